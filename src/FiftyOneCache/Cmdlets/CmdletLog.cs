using System.Collections.Concurrent;
using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Cmdlets;

/// <summary>Engine messages arrive on worker threads; they are queued and written on the pipeline thread.</summary>
internal sealed class CmdletLog : IEngineLog
{
    readonly ConcurrentQueue<(char Kind, string Text)> _queue = new();

    public void Verbose(string message) => _queue.Enqueue(('V', Redact.ForDisplay(message)));
    public void Debug(string message)
    {
        if (DebugEnabled) _queue.Enqueue(('D', Redact.ForDisplay(message)));
    }

    /// <summary>Set by the cmdlet from -Debug / $DebugPreference before the engine runs (PowerShell would drop the rest).</summary>
    public bool DebugEnabled { get; set; } = true;
    public void Warning(string message) => _queue.Enqueue(('W', Redact.ForDisplay(message)));

    public void Drain(System.Management.Automation.Cmdlet cmdlet)
    {
        while (_queue.TryDequeue(out var m))
        {
            switch (m.Kind)
            {
                case 'V':
                    if (cmdlet is MediaCacheCmdlet own) own.WriteVerbose(m.Text); // written only when asked for (see there)
                    else cmdlet.WriteVerbose(m.Text);
                    break;
                case 'D': cmdlet.WriteDebug(m.Text); break;
                default: cmdlet.WriteWarning(m.Text); break;
            }
        }
    }
}
