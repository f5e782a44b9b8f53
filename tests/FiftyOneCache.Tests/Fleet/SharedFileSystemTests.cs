using FiftyOneCache.Engine.Fleet;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Fleet;

public class SharedFileSystemTests
{
    [Theory]
    [InlineData(0x6969L, null, "nfs")]
    [InlineData(0xFF534D42L, null, "cifs")]
    [InlineData(0xFE534D42L, null, "smb2")]
    [InlineData(0x517BL, null, "smb")]
    [InlineData(0x0BD00BD0L, null, "lustre")]
    [InlineData(0x47504653L, null, "gpfs")]
    [InlineData(0x00C36400L, null, "ceph")]
    [InlineData(0x01021997L, null, "9p")]
    [InlineData(0x5346414FL, null, "afs")]
    [InlineData(0x19830326L, null, "beegfs")]
    [InlineData(0x65735546L, "fuse.sshfs", "fuse.sshfs")]
    [InlineData(0x65735546L, "fuse.gcsfuse", "fuse.gcsfuse")]
    [InlineData(unchecked((long)0xFFFFFFFFFF534D42UL), null, "cifs")] // a sign-extended 32-bit f_type
    public void NetworkAndClusterFileSystemsAreShared(long magic, string? mountType, string name)
    {
        var k = SharedFileSystem.FromLinux(magic, mountType);
        Assert.Equal(name, k.Name);
        Assert.True(k.Shared);
    }

    [Theory]
    [InlineData(0xEF53L, null, "ext4")]
    [InlineData(0x01021994L, null, "tmpfs")]
    [InlineData(0x58465342L, null, "xfs")]
    [InlineData(0x9123683EL, null, "btrfs")]
    [InlineData(0x794C7630L, null, "overlay")]
    [InlineData(0x65735546L, "fuse.lxcfs", "fuse.lxcfs")]
    [InlineData(0x65735546L, "fuseblk", "fuseblk")]
    [InlineData(0x12345678L, null, "0x12345678")]
    public void LocalAndUnknownFileSystemsAreNot(long magic, string? mountType, string name)
    {
        var k = SharedFileSystem.FromLinux(magic, mountType);
        Assert.Equal(name, k.Name);
        Assert.False(k.Shared);
    }

    [MountFact("tmpfs")]
    public void RealTmpfsIsLocal()
    {
        var dir = Path.Combine(MountFact.Find("tmpfs", "/dev/shm") ?? MountFact.Find("tmpfs")!, "not-yet-made", "cache");
        var k = SharedFileSystem.Detect(dir); // the nearest existing folder is the mount point
        Assert.NotNull(k);
        Assert.Equal("tmpfs", k!.Name);
        Assert.False(k.Shared);
        SharedFileSystem.EnsureLocal(dir, _ => null);
    }

    [MountFact("ext4")]
    public void RealExt4IsLocal()
    {
        var mount = MountFact.Find("ext4")!;
        var k = SharedFileSystem.Detect(mount);
        Assert.Equal("ext4", k!.Name);
        Assert.False(k.Shared);
    }

    [Fact]
    public void ASharedCacheDirIsRefusedWithTheReasonAndTheWayOut()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<SharedFileSystemException>(() => SharedFileSystem.EnsureLocal(dir.Path, _ => null, _ => new FileSystemKind("nfs4", true)));
        Assert.Contains("shared filesystem (nfs4)", e.Message);
        Assert.Contains("WAL", e.Message);
        Assert.Contains("local folder on each node", e.Message);
        Assert.Contains(SharedFileSystem.OverrideVariable, e.Message);
    }

    [Fact]
    public void TheOverrideAllowsIt()
    {
        using var dir = new TempDir();
        SharedFileSystem.EnsureLocal(dir.Path, n => n == SharedFileSystem.OverrideVariable ? "1" : null, _ => new FileSystemKind("nfs4", true));
        SharedFileSystem.EnsureLocal(dir.Path, n => n == SharedFileSystem.OverrideVariable ? "true" : null, _ => new FileSystemKind("lustre", true));
        Assert.Throws<SharedFileSystemException>(() =>
            SharedFileSystem.EnsureLocal(dir.Path, n => n == SharedFileSystem.OverrideVariable ? "0" : null, _ => new FileSystemKind("lustre", true)));
    }
}

/// <summary>A test that needs a real mount of a filesystem type: skipped, with the reason, where there is none.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute(string type)
    {
        if (!OperatingSystem.IsLinux()) Skip = $"needs Linux (/proc/self/mounts) for a real {type} mount";
        else if (MountFact.Find(type) is null) Skip = $"no {type} filesystem is mounted here";
    }
}

public static class MountFact
{
    /// <summary>A mount point of that type (the preferred one if it is such a mount), or null.</summary>
    public static string? Find(string type, string? preferred = null)
    {
        if (!OperatingSystem.IsLinux()) return null;
        string? any = null;
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var p = line.Split(' ');
            if (p.Length <= 2 || p[2] != type || !Directory.Exists(p[1])) continue;
            if (p[1] == preferred) return p[1];
            any ??= p[1];
        }
        return preferred is null ? any : null;
    }
}
