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

    [Fact]
    public void RealTmpfsIsLocal()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/dev/shm")) return;
        var k = SharedFileSystem.Detect("/dev/shm/not-yet-made/cache");
        Assert.NotNull(k);
        Assert.Equal("tmpfs", k!.Name);
        Assert.False(k.Shared);
        SharedFileSystem.EnsureLocal("/dev/shm/not-yet-made/cache", _ => null);
    }

    [Fact]
    public void RealExt4IsLocal()
    {
        var mount = Ext4Mount();
        if (mount is null) return; // no ext4 here (xunit 2 has no runtime skip); the tmpfs case still runs
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

    static string? Ext4Mount()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var p = line.Split(' ');
            if (p.Length > 2 && p[2] == "ext4" && Directory.Exists(p[1])) return p[1];
        }
        return null;
    }
}
