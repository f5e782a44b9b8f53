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

    /// <summary>Media fields to take (FiftyOne's media_fields); default: every field in the dataset's app_config.media_fields.</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    [ValidateNotNullOrEmpty]
    public string[] MediaField { get; set; } = Array.Empty<string>();

    /// <summary>Group slices to take in a grouped dataset (FiftyOne's group_slices); default: every slice.</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    [ValidateNotNullOrEmpty]
    public string[] GroupSlice { get; set; } = Array.Empty<string>();

    /// <summary>Also take the assets that .fo3d scenes reference (FiftyOne's include_assets, on by default); -IncludeAssets:$false for the scene files only.</summary>
    [Parameter(ParameterSetName = DatasetSet)]
    public SwitchParameter IncludeAssets { get; set; } = true;

    protected bool IsDatasetInput => ParameterSetName == DatasetSet;

    /// <summary>Which media of each sample the command takes; Update-MediaMetadata takes the filepath only, as FiftyOne's compute_metadata.</summary>
    protected virtual MediaSelection Selection => new(MediaField.Length > 0 ? MediaField : null, IncludeAssets);

    /// <summary>True for commands that download: a .fo3d scene is fetched to read its assets. Others read cached scenes only.</summary>
    protected virtual bool FetchesScenes => false;

    /// <summary>The part of the dataset the parameters select.</summary>
    protected SampleFilter SelectedSamples(bool onlyWithoutMetadata = false) =>
        new(Tag, FilePathLike, onlyWithoutMetadata, GroupSlice.Length > 0 ? GroupSlice : null);

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

    /// <summary>
    /// The selected samples' media files, one SampleRef each (its FilePath is the file), streamed in _id order in
    /// batches: each sample's media fields in order, a 3D scene followed by its assets.
    /// </summary>
    protected IEnumerable<SampleRef> DatasetSamples(bool onlyWithoutMetadata = false)
    {
        var ds = OpenDataset();
        var filter = SelectedSamples(onlyWithoutMetadata);
        var selection = Selection;
        // Scenes are read from the cache; a command that only reads does not open (and so create) a missing one: it
        // holds no scene, so there are no assets to add.
        var scenes = selection.IncludeAssets && (FetchesScenes || Directory.Exists(Config.CacheDir))
            ? new CachedSceneReader(OpenCache(), FetchesScenes, Cancel) : null;
        var reader = new DatasetMediaReader(ds)
        {
            ReadScene = scenes is null ? null : scenes.Read,
            PeekScene = scenes is null ? null : scenes.Peek,
            DeferAssets = FetchesScenes, // downloaded by the command's own pipeline, then read
            Warn = WriteWarning,
        };
        try
        {
            // Checked before the first sample, so that a misspelt field or slice is one terminating error.
            reader.Check(filter, selection);
        }
        catch (DatasetException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidDatasetSelection", ErrorCategory.InvalidArgument, Dataset));
        }
        return reader.Stream(filter, selection, Cancel);
    }
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
