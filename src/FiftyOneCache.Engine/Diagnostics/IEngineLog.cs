namespace FiftyOneCache.Engine.Diagnostics;

/// <summary>Where the engine reports what it did; cmdlets route it to Write-Verbose/Write-Debug.</summary>
public interface IEngineLog
{
    void Verbose(string message);
    void Debug(string message);
    void Warning(string message);

    /// <summary>
    /// False when debug messages would be dropped, so that a caller can skip building one: the retry layer writes
    /// one per request, and formatting and redacting it for nobody cost a few microseconds per object.
    /// </summary>
    bool DebugEnabled => true;
}

public sealed class NullLog : IEngineLog
{
    public static readonly NullLog Instance = new();
    public void Verbose(string message) { }
    public void Debug(string message) { }
    public void Warning(string message) { }
    public bool DebugEnabled => false;
}
