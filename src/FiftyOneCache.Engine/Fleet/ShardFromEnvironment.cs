using System.Globalization;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Engine.Fleet;

/// <summary>A shard taken from a job engine's variables, and which variables it came from (for -Verbose).</summary>
public sealed record ResolvedShard(Shard Shard, string Source);

/// <summary>The environment named no shard (no engine variables), or named one that makes no sense.</summary>
public sealed class ShardEnvironmentException(string message) : Exception(message);

/// <summary>
/// -Shard Auto: this task's share of a fleet prewarm, read from the variables the job engine sets, tried in this order:
/// <list type="number">
/// <item>Slurm job arrays: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT, counted from SLURM_ARRAY_TASK_MIN in steps of
/// SLURM_ARRAY_TASK_STEP (--array=1-8 or 0-15:4 work; an irregular list such as 1,3,8 is refused). Inside an srun step of
/// an array task (SLURM_STEP_ID set, more than one task), each array task's share is split again by SLURM_PROCID.</item>
/// <item>srun: SLURM_PROCID of SLURM_STEP_NUM_TASKS (else SLURM_NTASKS), in a step only (SLURM_STEP_ID set): a batch script
/// itself also has SLURM_PROCID=0 and SLURM_NTASKS but runs once, so it does not count as one task of many.</item>
/// <item>Kubernetes indexed Jobs: JOB_COMPLETION_INDEX, with the count from FIFTYONE_SHARD_COUNT (Kubernetes does not pass
/// the number of completions to the pod; set it next to the index in the Job's env).</item>
/// <item>torchrun and most launchers: RANK of WORLD_SIZE.</item>
/// <item>Open MPI's mpirun: OMPI_COMM_WORLD_RANK of OMPI_COMM_WORLD_SIZE.</item>
/// </list>
/// None set is an error: taking shard 0/1 would make every node of a misconfigured fleet fetch everything.
/// </summary>
public static class ShardFromEnvironment
{
    public const string CountVariable = "FIFTYONE_SHARD_COUNT";

    public static ResolvedShard Resolve() => Resolve(Environment.GetEnvironmentVariable);

    public static ResolvedShard Resolve(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v.Trim() : null;

        if (Get("SLURM_ARRAY_TASK_ID") is not null) return SlurmArray(Get);
        if (Get("SLURM_PROCID") is not null && Get("SLURM_STEP_ID") is not null && SlurmStep(Get) is { } step)
            return new ResolvedShard(step.Shard, step.Source);
        if (Get("JOB_COMPLETION_INDEX") is { } k8s)
        {
            var count = Get(CountVariable)
                ?? throw new ShardEnvironmentException(
                    $"JOB_COMPLETION_INDEX={k8s} is set (a Kubernetes indexed Job) but {CountVariable} is not: Kubernetes does not tell a pod " +
                    $"how many completions there are. Set {CountVariable} to the Job's completions in the container's env.");
            return Make(Int("JOB_COMPLETION_INDEX", k8s), Int(CountVariable, count), $"JOB_COMPLETION_INDEX={k8s}, {CountVariable}={count} (Kubernetes indexed Job)");
        }
        if (Pair(Get, "RANK", "WORLD_SIZE", "torchrun") is { } torch) return torch;
        if (Pair(Get, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI") is { } mpi) return mpi;
        throw new ShardEnvironmentException(
            "-Shard Auto found no job engine variables: none of SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (Slurm job array), " +
            "SLURM_PROCID/SLURM_NTASKS in an srun step, JOB_COMPLETION_INDEX with " + CountVariable + " (Kubernetes indexed Job), " +
            "RANK/WORLD_SIZE (torchrun) or OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE (Open MPI) is set. " +
            "Run it under one of these, or give the shard explicitly, e.g. -Shard 0/4.");
    }

    static ResolvedShard SlurmArray(Func<string, string?> get)
    {
        var idText = get("SLURM_ARRAY_TASK_ID")!;
        var countText = get("SLURM_ARRAY_TASK_COUNT")
            ?? throw new ShardEnvironmentException($"SLURM_ARRAY_TASK_ID={idText} is set but SLURM_ARRAY_TASK_COUNT is not (Slurm sets both in a job array; Slurm older than 17.11 sets no count): use -Shard i/n.");
        var id = Int("SLURM_ARRAY_TASK_ID", idText);
        var count = Int("SLURM_ARRAY_TASK_COUNT", countText);
        var min = get("SLURM_ARRAY_TASK_MIN") is { } m ? Int("SLURM_ARRAY_TASK_MIN", m) : 0;
        var step = get("SLURM_ARRAY_TASK_STEP") is { } s ? Int("SLURM_ARRAY_TASK_STEP", s) : 1;
        if (step < 1) step = 1;
        var max = get("SLURM_ARRAY_TASK_MAX") is { } x ? Int("SLURM_ARRAY_TASK_MAX", x) : min + (count - 1) * step;
        if ((id - min) % step != 0 || max != min + (count - 1) * step)
            throw new ShardEnvironmentException(
                $"the Slurm job array is not a regular range (SLURM_ARRAY_TASK_ID={idText}, MIN={min}, MAX={max}, STEP={step}, COUNT={count}), " +
                "so a task's place in it is unknown: submit --array=0-N (optionally :step), or pass -Shard \"$i/$n\" yourself.");
        var index = (id - min) / step;
        var source = $"SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_COUNT={count}" + (min != 0 ? $", SLURM_ARRAY_TASK_MIN={min}" : "") + (step != 1 ? $", SLURM_ARRAY_TASK_STEP={step}" : "") + " (Slurm job array)";
        if (get("SLURM_STEP_ID") is not null && SlurmStep(get) is { Shard.Count: > 1 } inner)
            return Make(index * inner.Shard.Count + inner.Shard.Index, count * inner.Shard.Count, $"{source} split by {inner.Source}");
        return Make(index, count, source);
    }

    static ResolvedShard? SlurmStep(Func<string, string?> get)
    {
        var procText = get("SLURM_PROCID")!;
        var (name, countText) = get("SLURM_STEP_NUM_TASKS") is { } st ? ("SLURM_STEP_NUM_TASKS", st) : ("SLURM_NTASKS", get("SLURM_NTASKS"));
        if (countText is null) return null;
        return Make(Int("SLURM_PROCID", procText), Int(name, countText), $"SLURM_PROCID={procText}, {name}={countText} (srun step)");
    }

    static ResolvedShard? Pair(Func<string, string?> get, string rankName, string sizeName, string engine)
    {
        var rank = get(rankName);
        var size = get(sizeName);
        if (rank is null && size is null) return null;
        if (rank is null || size is null)
            throw new ShardEnvironmentException($"{(rank is null ? sizeName : rankName)} is set but {(rank is null ? rankName : sizeName)} is not ({engine} sets both): use -Shard i/n.");
        return Make(Int(rankName, rank), Int(sizeName, size), $"{rankName}={rank}, {sizeName}={size} ({engine})");
    }

    static ResolvedShard Make(int index, int count, string source)
    {
        if (count < 1 || index < 0 || index >= count)
            throw new ShardEnvironmentException($"{source} is not a shard: the index must be at least 0 and below the count.");
        return new ResolvedShard(new Shard(index, count), source);
    }

    static int Int(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ShardEnvironmentException($"{name}='{text}' is not a whole number.");
}
