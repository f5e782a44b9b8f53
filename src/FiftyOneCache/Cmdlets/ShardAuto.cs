using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Fleet;

namespace FiftyOneCache.Cmdlets;

/// <summary>-Shard Auto: the shard the job engine's variables give, said with -Verbose; none is a terminating error.</summary>
internal static class ShardAuto
{
    public static Shard Resolve(PSCmdlet cmdlet)
    {
        try
        {
            var r = ShardFromEnvironment.Resolve();
            cmdlet.WriteVerbose($"Shard {r.Shard} from {r.Source}");
            return r.Shard;
        }
        catch (ShardEnvironmentException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, "ShardNotInEnvironment", ErrorCategory.InvalidArgument, "Auto")
            {
                ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Run under Slurm, a Kubernetes indexed Job, torchrun or mpirun, or pass -Shard i/n." },
            });
            throw; // unreachable
        }
    }
}
