namespace FiftyOneCache.Cmdlets;

/// <summary>Where Get-Help -Online goes: each cmdlet's page in the project's docs (ProjectUri in the manifest).</summary>
internal static class HelpLinks
{
    public const string Base = "https://github.com/fiftyonecache/FiftyOneCache/blob/main/docs/help/";
}
