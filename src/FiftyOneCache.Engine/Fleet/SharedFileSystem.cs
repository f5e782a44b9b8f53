using System.Runtime.InteropServices;

namespace FiftyOneCache.Engine.Fleet;

/// <summary>What a folder's filesystem is, as far as the cache cares: its name and whether other hosts can share it.</summary>
public sealed record FileSystemKind(string Name, bool Shared);

/// <summary>
/// A cache directory on a network or cluster filesystem refused, with the reason and what to do. The override is the
/// environment variable <see cref="SharedFileSystem.OverrideVariable"/>=1.
/// </summary>
public sealed class SharedFileSystemException(string message) : IOException(message);

/// <summary>
/// The cache index is SQLite in WAL mode; WAL keeps its lock and index in shared memory that works between the
/// processes of one host only. A cache_dir on NFS, Lustre, GPFS, CIFS/SMB, CephFS, 9p, sshfs and the like, used by
/// several nodes at once, can corrupt the index, so opening one is refused unless the user says the folder is
/// theirs alone. Linux: statfs f_type (and the FUSE subtype from /proc/self/mountinfo); Windows: the volume's drive
/// type (GetDriveType: DRIVE_REMOTE) or a UNC path; macOS: statfs f_flags without MNT_LOCAL.
/// </summary>
public static class SharedFileSystem
{
    public const string OverrideVariable = "FIFTYONE_MEDIA_CACHE_ALLOW_SHARED_FS";

    /// <summary>Linux statfs f_type magic numbers (linux/magic.h and the filesystems' own headers).</summary>
    public static readonly IReadOnlyDictionary<long, string> LinuxMagic = new Dictionary<long, string>
    {
        [0x6969] = "nfs", [0x517B] = "smb", [0xFF534D42] = "cifs", [0xFE534D42] = "smb2",
        [0x0BD00BD0] = "lustre", [0x47504653] = "gpfs", [0x00C36400] = "ceph", [0x01021997] = "9p",
        [0x5346414F] = "afs", [0x6B414653] = "kafs", [0x73757245] = "coda", [0x564C] = "ncp",
        [0x01161970] = "gfs2", [0x7461636F] = "ocfs2", [0x19830326] = "beegfs", [0xAAD7AAEA] = "panfs",
        [0x65735546] = "fuse",
        [0xEF53] = "ext4", [0x01021994] = "tmpfs", [0x58465342] = "xfs", [0x9123683E] = "btrfs",
        [0x794C7630] = "overlay", [0x2FC12FC1] = "zfs", [0x4D44] = "vfat", [0x5346544E] = "ntfs", [0xF2F52010] = "f2fs",
        [0x858458F6] = "ramfs",
    };

    /// <summary>Filesystem names (statfs's or mountinfo's) that other hosts can mount at the same time.</summary>
    public static readonly IReadOnlySet<string> SharedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "nfs", "nfs4", "smb", "smb2", "smb3", "smbfs", "cifs", "lustre", "gpfs", "ceph", "9p", "afs", "kafs", "coda",
        "ncp", "ncpfs", "gfs2", "ocfs2", "beegfs", "panfs", "glusterfs", "virtiofs",
        "fuse.sshfs", "fuse.s3fs", "fuse.gcsfuse", "fuse.rclone", "fuse.glusterfs", "fuse.ceph-fuse", "fuse.ceph",
        "fuse.juicefs", "fuse.goofys", "fuse.mountpoint-s3", "fuse.blobfuse", "fuse.blobfuse2", "fuse.davfs",
        "fuse.lizardfs", "fuse.mfs", "fuse.beegfs", "fuse.cvmfs", "fuse.gvfsd-fuse",
    };

    /// <summary>The kind of a Linux filesystem from its statfs magic, and for FUSE its mountinfo type (fuse.sshfs).</summary>
    public static FileSystemKind FromLinux(long magic, string? mountType)
    {
        var name = LinuxMagic.TryGetValue(magic & 0xFFFFFFFFL, out var n) ? n : $"0x{magic & 0xFFFFFFFFL:X}";
        if (name == "fuse" && !string.IsNullOrEmpty(mountType) && mountType.StartsWith("fuse", StringComparison.Ordinal))
            name = mountType; // fuse.sshfs, fuse.lxcfs, fuseblk, ...
        return new FileSystemKind(name, SharedNames.Contains(name));
    }

    /// <summary>Refuses a cache directory on a shared filesystem, unless the override variable is set.</summary>
    public static void EnsureLocal(string cacheDir, Func<string, string?>? env = null, Func<string, FileSystemKind?>? detect = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (IsOverridden(env(OverrideVariable))) return;
        FileSystemKind? kind;
        try { kind = (detect ?? Detect)(cacheDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        { return; } // unknown is not refused: the check guards against a known danger, it must not lock anyone out
        if (kind is not { Shared: true }) return;
        throw new SharedFileSystemException(
            $"The cache directory {cacheDir} is on a shared filesystem ({kind.Name}). The cache index is SQLite in WAL mode, whose " +
            "locks live in shared memory that works only between processes of one host: several nodes using this folder at once " +
            "can corrupt the index. Use a local folder on each node (e.g. $FIFTYONE_MEDIA_CACHE_DIR=/tmp/$USER/fiftyone or a " +
            $"node-local scratch disk). If only this host ever uses the folder, set {OverrideVariable}=1 to allow it.");
    }

    static bool IsOverridden(string? v) =>
        v is not null && (v.Trim() == "1" || v.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) || v.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));

    /// <summary>The filesystem of a folder (or of its nearest existing parent); null where this platform cannot tell.</summary>
    public static FileSystemKind? Detect(string path)
    {
        var existing = NearestExisting(Path.GetFullPath(path));
        if (existing is null) return null;
        if (OperatingSystem.IsWindows()) return Windows(existing);
        if (OperatingSystem.IsLinux()) return Linux(existing);
        if (OperatingSystem.IsMacOS()) return MacOS(existing);
        return null;
    }

    static string? NearestExisting(string full)
    {
        for (var p = full; !string.IsNullOrEmpty(p); p = Path.GetDirectoryName(p))
            if (Directory.Exists(p)) return p;
        return null;
    }

    static FileSystemKind Windows(string path)
    {
        if (path.StartsWith(@"\\", StringComparison.Ordinal) && !path.StartsWith(@"\\?\", StringComparison.Ordinal) && !path.StartsWith(@"\\.\", StringComparison.Ordinal)
            || path.StartsWith(@"\\?\UNC\", StringComparison.OrdinalIgnoreCase))
            return new FileSystemKind("UNC share", true);
        var type = new DriveInfo(Path.GetPathRoot(path)!).DriveType; // GetDriveType
        return new FileSystemKind(type == DriveType.Network ? "network drive" : type.ToString(), type == DriveType.Network);
    }

    static FileSystemKind? Linux(string path)
    {
        var buf = new byte[512]; // struct statfs is 120 bytes on 64-bit Linux; f_type is its first field, a long
        if (StatFs(path, buf) != 0) return null;
        var magic = IntPtr.Size == 8 ? BitConverter.ToInt64(buf, 0) : BitConverter.ToInt32(buf, 0);
        return FromLinux(magic, (magic & 0xFFFFFFFFL) == 0x65735546 ? MountType(path) : null);
    }

    /// <summary>The mountinfo filesystem type of the longest mount point containing the path.</summary>
    static string? MountType(string path)
    {
        try
        {
            string? best = null; var bestLength = -1;
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var parts = line.Split(' ');
                var dash = Array.IndexOf(parts, "-");
                if (dash < 0 || dash + 1 >= parts.Length || parts.Length < 5) continue;
                var mount = parts[4].Replace("\\040", " ");
                var inside = path == mount || mount == "/" || path.StartsWith(mount + "/", StringComparison.Ordinal);
                if (inside && mount.Length >= bestLength) { best = parts[dash + 1]; bestLength = mount.Length; }
            }
            return best;
        }
        catch (IOException) { return null; }
    }

    static FileSystemKind? MacOS(string path)
    {
        // struct statfs (64-bit inodes): f_flags at offset 64, f_fstypename[16] at offset 72.
        var buf = new byte[4096];
        if (StatFsMac(path, buf) != 0) return null;
        const uint MntLocal = 0x00001000;
        var flags = BitConverter.ToUInt32(buf, 64);
        var name = System.Text.Encoding.ASCII.GetString(buf, 72, 16).TrimEnd('\0');
        return new FileSystemKind(name, (flags & MntLocal) == 0);
    }

    [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
    static extern int StatFs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buf);

    static int StatFsMac(string path, byte[] buf) =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64 ? StatFsMacX64(path, buf) : StatFs(path, buf);

    [DllImport("libc", EntryPoint = "statfs$INODE64", SetLastError = true)]
    static extern int StatFsMacX64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buf);
}
