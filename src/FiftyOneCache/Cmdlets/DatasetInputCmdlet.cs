using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using FiftyOneCache.Engine.Datasets;

namespace FiftyOneCache.Cmdlets;

/// <summary>Cmdlets that take a FiftyOne dataset (or a filtered part of one) instead of paths.</summary>
public abstract class DatasetInputCmdlet : MediaCacheCmdlet
{
    protected const string DatasetSet = "Dataset";
    FiftyOneDataset? _dataset;

    /// <summary>The FiftyOne dataset whose samples' filepaths are the input.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatasetSet)]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Only samples with any of these tags.</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    public string[] Tag { get; set; } = Array.Empty<string>();

    /// <summary>Only samples whose filepath matches this wildcard.</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    [SupportsWildcards]
    public string? FilePathLike { get; set; }

    /// <summary>The FiftyOne database (default: FIFTYONE_DATABASE_URI, else mongodb://localhost:27017).</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    public string? DatabaseUri { get; set; }

    protected bool IsDatasetInput => ParameterSetName == DatasetSet;

    protected FiftyOneDataset OpenDataset()
    {
        if (_dataset is not null) return _dataset;
        try
        {
            var db = FiftyOneDatabase.Connect(DatabaseUri);
            WriteVerbose($"FiftyOne database: {db.DisplayUri}");
            _dataset = db.Open(Dataset);
        }
        catch (DatasetException e)
        {
            var (id, cat) = e.Kind switch
            {
                DatasetErrorKind.NotFound => ("DatasetNotFound", ErrorCategory.ObjectNotFound),
                DatasetErrorKind.Authentication => ("DatabaseAuthenticationFailed", ErrorCategory.AuthenticationError),
                DatasetErrorKind.InvalidSchema => ("InvalidDataset", ErrorCategory.InvalidData),
                _ => ("DatabaseUnavailable", ErrorCategory.ConnectionError),
            };
            ThrowTerminatingError(new ErrorRecord(e, id, cat, Dataset));
        }
        return _dataset!;
    }

    /// <summary>The selected samples, streamed in _id order in batches.</summary>
    protected IEnumerable<SampleRef> DatasetSamples(bool onlyWithoutMetadata = false) =>
        OpenDataset().Stream(new SampleFilter(Tag, FilePathLike, onlyWithoutMetadata), Cancel);
}

/// <summary>Completes dataset names from the FiftyOne database (a short timeout keeps the prompt responsive).</summary>
public sealed class DatasetNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        List<string> names;
        try
        {
            var uri = fakeBoundParameters.Contains("DatabaseUri") ? fakeBoundParameters["DatabaseUri"] as string : null;
            names = FiftyOneDatabase.Connect(uri, timeout: TimeSpan.FromSeconds(2)).DatasetNames();
        }
        catch (Exception) { return Array.Empty<CompletionResult>(); }
        var word = wordToComplete.Trim('\'', '"');
        return names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n));
    }
}
