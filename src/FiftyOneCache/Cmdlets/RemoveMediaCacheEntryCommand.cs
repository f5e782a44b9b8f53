using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Removes the given items from the cache: the counterpart of Get-MediaCacheEntry (whose entries pipe in by their
/// Source). It is Clear-MediaCache's item removal with a path required, so that it never empties the whole cache.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MediaCacheEntry", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpLinks.Base + "Remove-MediaCacheEntry.md")]
[OutputType(typeof(ClearResult))]
public sealed class RemoveMediaCacheEntryCommand : ClearMediaCacheCommand;
