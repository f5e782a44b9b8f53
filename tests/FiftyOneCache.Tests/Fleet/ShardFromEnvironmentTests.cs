using FiftyOneCache.Engine.Fleet;
using Xunit;

namespace FiftyOneCache.Tests.Fleet;

public class ShardFromEnvironmentTests
{
    static ResolvedShard Resolve(params (string Name, string Value)[] vars)
    {
        var env = vars.ToDictionary(v => v.Name, v => v.Value);
        return ShardFromEnvironment.Resolve(n => env.TryGetValue(n, out var v) ? v : null);
    }

    static string Fails(params (string, string)[] vars) => Assert.Throws<ShardEnvironmentException>(() => Resolve(vars)).Message;

    [Fact]
    public void SlurmArrayFromZero()
    {
        var r = Resolve(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "3"));
        Assert.Equal("2/4", r.Shard.ToString());
        Assert.Contains("SLURM_ARRAY_TASK_ID=2", r.Source);
        Assert.Contains("Slurm job array", r.Source);
    }

    [Fact]
    public void SlurmArrayCountsFromItsMinimum()
    {
        // --array=1-4: task 1 is the first shard, task 4 the last
        Assert.Equal("0/4", Resolve(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "4")).Shard.ToString());
        Assert.Equal("3/4", Resolve(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "4")).Shard.ToString());
    }

    [Fact]
    public void SlurmArrayWithAStep()
    {
        // --array=0-15:4 runs tasks 0, 4, 8, 12
        var r = Resolve(("SLURM_ARRAY_TASK_ID", "8"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"),
                        ("SLURM_ARRAY_TASK_MAX", "12"), ("SLURM_ARRAY_TASK_STEP", "4"));
        Assert.Equal("2/4", r.Shard.ToString());
    }

    [Fact]
    public void AnIrregularSlurmArrayIsRefused()
    {
        // --array=1,3,8
        var m = Fails(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "8"), ("SLURM_ARRAY_TASK_STEP", "1"));
        Assert.Contains("not a regular range", m);
    }

    [Fact]
    public void AnSrunStepInsideAnArrayTaskSplitsItsShare()
    {
        var r = Resolve(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "1"),
                        ("SLURM_STEP_ID", "0"), ("SLURM_PROCID", "2"), ("SLURM_STEP_NUM_TASKS", "3"), ("SLURM_NTASKS", "3"));
        Assert.Equal("5/6", r.Shard.ToString());
        Assert.Contains("SLURM_PROCID=2", r.Source);
    }

    [Fact]
    public void TheBatchScriptOfAnArrayTaskIsOneShard()
    {
        // sbatch -n 4 --array=0-1: the batch script runs once with SLURM_PROCID=0 and SLURM_NTASKS=4 but no step id
        var r = Resolve(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"), ("SLURM_PROCID", "0"), ("SLURM_NTASKS", "4"));
        Assert.Equal("1/2", r.Shard.ToString());
    }

    [Fact]
    public void SrunStep()
    {
        var r = Resolve(("SLURM_STEP_ID", "0"), ("SLURM_PROCID", "3"), ("SLURM_NTASKS", "8"));
        Assert.Equal("3/8", r.Shard.ToString());
        Assert.Contains("srun", r.Source);
        Assert.Equal("1/2", Resolve(("SLURM_STEP_ID", "0"), ("SLURM_PROCID", "1"), ("SLURM_NTASKS", "8"), ("SLURM_STEP_NUM_TASKS", "2")).Shard.ToString());
    }

    [Fact]
    public void ABatchScriptOutsideAStepIsNoShard()
    {
        var m = Fails(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "4"), ("SLURM_JOB_ID", "12"));
        Assert.Contains("found no job engine variables", m);
    }

    [Fact]
    public void KubernetesIndexedJobNeedsACount()
    {
        var r = Resolve(("JOB_COMPLETION_INDEX", "3"), ("FIFTYONE_SHARD_COUNT", "5"));
        Assert.Equal("3/5", r.Shard.ToString());
        Assert.Contains("Kubernetes", r.Source);
        Assert.Contains("FIFTYONE_SHARD_COUNT", Fails(("JOB_COMPLETION_INDEX", "3")));
    }

    [Fact]
    public void Torchrun()
    {
        var r = Resolve(("RANK", "1"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "1"));
        Assert.Equal("1/2", r.Shard.ToString());
        Assert.Contains("torchrun", r.Source);
        Assert.Contains("WORLD_SIZE", Fails(("RANK", "1")));
    }

    [Fact]
    public void OpenMpi()
    {
        var r = Resolve(("OMPI_COMM_WORLD_RANK", "6"), ("OMPI_COMM_WORLD_SIZE", "7"));
        Assert.Equal("6/7", r.Shard.ToString());
        Assert.Contains("Open MPI", r.Source);
    }

    [Fact]
    public void SlurmComesBeforeTheOthers()
    {
        var r = Resolve(("RANK", "0"), ("WORLD_SIZE", "9"), ("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"));
        Assert.Equal("1/2", r.Shard.ToString());
    }

    [Fact]
    public void NoneSetIsAnErrorNotShardZeroOfOne()
    {
        var m = Fails();
        Assert.Contains("-Shard 0/4", m);
        Assert.Contains("SLURM_ARRAY_TASK_ID", m);
    }

    [Theory]
    [InlineData("4", "4")]
    [InlineData("-1", "4")]
    [InlineData("x", "4")]
    [InlineData("0", "0")]
    public void NonsenseValuesAreErrors(string rank, string size) => Fails(("RANK", rank), ("WORLD_SIZE", size));
}
