using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Renders a batch's <see cref="TransferProgress"/> as Write-Progress records: items done of total, bytes done of
/// the bytes total (marked "at least" while it is still growing), percent, rate, ETA, how many files are in flight
/// and the item being transferred, for a batch and for one large file alike (transfers under way count by their
/// bytes, so a single file's bar moves as it downloads).
/// </summary>
public sealed class ProgressView(string activity, TransferProgress progress)
{
    const int ActivityId = 1;
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan FirstAfter = TimeSpan.FromMilliseconds(500);
    TimeSpan? _last;

    /// <summary>A record when one is due (at most twice a second, none for work that ends within half a second).</summary>
    public ProgressRecord? Next()
    {
        var now = progress.Elapsed;
        if (now < FirstAfter || (_last is { } last && now - last < Interval)) return null;
        _last = now;
        return Render();
    }

    public ProgressRecord Render()
    {
        var p = progress;
        var total = Math.Max(p.Submitted + p.DiscoveredCount, p.Done);
        var (count, inFlightBytes) = p.InFlight;
        var finished = p.FinishedTransferBytes;
        var inFlightDone = Math.Clamp(p.BytesTransferred - finished, 0, inFlightBytes);
        double fraction = 0;
        if (total > 0)
        {
            var partial = inFlightBytes > 0 ? (double)inFlightDone / inFlightBytes * count : 0;
            fraction = Math.Clamp((p.Done + partial) / total, 0, 1);
        }
        var parts = new List<string>();
        if (total != 1) parts.Add($"{p.Done}/{total} items");
        parts.Add(Bytes(p, total, count, finished, inFlightBytes, inFlightDone));
        parts.Add(Sizes.Rate(p.BytesPerSecond));
        if (p.Failed > 0) parts.Add($"{p.Failed} failed");
        if (count > 1) parts.Add($"{count} files in flight"); // the name below is only the one that started last
        if (count > 0 && p.CurrentItem is { } current) parts.Add(Name(current));
        var rec = new ProgressRecord(ActivityId, activity, string.Join(", ", parts)) { PercentComplete = (int)(fraction * 100) };
        if (fraction is > 0.005 and < 1)
        {
            var remaining = p.Elapsed.TotalSeconds * (1 - fraction) / fraction;
            rec.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Ceiling(remaining));
        }
        if (count > 0 && p.CurrentItem is { } item) rec.CurrentOperation = Engine.Diagnostics.Redact.ForDisplay(item);
        return rec;
    }

    /// <summary>
    /// Bytes done of the bytes total. The total is the sizes of the finished and running transfers; it is final
    /// only once all input is in and every item has finished or started. Until then it is a lower bound that grows
    /// as transfers start, and is said to be one ("of at least"), never shown as the total.
    /// </summary>
    static string Bytes(TransferProgress p, long total, int count, long finished, long inFlightBytes, long inFlightDone)
    {
        var knownBytes = finished + inFlightBytes;
        var done = Sizes.Humanize(finished + inFlightDone);
        if (knownBytes <= 0) return Sizes.Humanize(p.BytesTransferred);
        var final = p.InputComplete && p.Done + count >= total;
        return final ? $"{done} of {Sizes.Humanize(knownBytes)}" : $"{done} of at least {Sizes.Humanize(knownBytes)}";
    }

    public ProgressRecord Completed() => new(ActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed };

    /// <summary>The last segment of a path or URL: what names the file in a status line of limited width.</summary>
    static string Name(string path)
    {
        var clean = Engine.Diagnostics.Redact.ForDisplay(path);
        var q = clean.IndexOfAny(['?', '#']);
        if (q > 0 && clean.Contains("://", StringComparison.Ordinal)) clean = clean[..q];
        var name = clean.TrimEnd('/', '\\');
        var cut = name.LastIndexOfAny(['/', '\\']);
        name = cut >= 0 ? name[(cut + 1)..] : name;
        return name.Length > 48 ? name[..22] + "…" + name[^25..] : name;
    }
}
