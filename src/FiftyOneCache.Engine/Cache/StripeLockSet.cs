using System.Runtime.InteropServices;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Cross-process locks on numbered stripes, shared or exclusive, that never wait (callers decide how to wait)
/// and die with their process. Callers hold at most one lock per stripe per instance: <see cref="ObjectLocks"/>
/// queues its threads on a semaphore first and <see cref="PinLocks"/> counts its pins, so the set itself keeps
/// no per-thread state. Two instances on one directory exclude each other exactly as two processes do.
/// </summary>
public abstract class StripeLockSet : IDisposable
{
    /// <summary>
    /// The cheapest kind the system offers: on Linux, byte-range locks on one file (no file per stripe to create,
    /// open and close for every object: on a fresh cache that was one new inode per download); elsewhere, or on
    /// a kernel without open-file-description locks, one flock'ed file per stripe.
    /// </summary>
    /// <remarks>
    /// The kernel keeps a file's byte-range locks in one list and walks it on every lock and unlock, so a lock costs
    /// in proportion to how many ranges are held on that file. <paramref name="stripesPerFile"/> bounds that list
    /// where many stripes are held at once (pins: one per path handed out and not yet taken, thousands while a
    /// consumer lags; measured here, a lock and its release took 99 µs with 2,000 ranges held on the file, 21 µs
    /// with 100 and 12 µs with none).
    /// Every process maps a stripe to the same file and byte.
    /// </remarks>
    public static StripeLockSet Open(string dir, Func<int, string> fileForStripe, int stripesPerFile = 0)
    {
        Directory.CreateDirectory(dir);
        if (OperatingSystem.IsLinux() && RangeStripeLocks.TryOpen(dir, stripesPerFile) is { } ranges) return ranges;
        return new FileStripeLocks(fileForStripe);
    }

    /// <summary>Takes the stripe's lock if no other holder conflicts with it; false otherwise, at once.</summary>
    public abstract bool TryLock(int stripe, bool exclusive);

    public abstract void Unlock(int stripe);

    public abstract void Dispose();
}

/// <summary>
/// Linux open-file-description locks (fcntl F_OFD_SETLK) on byte <c>stripe</c> of one file. They belong to the open
/// file, not the process: a second open in the same process conflicts like another process would, closing some
/// other descriptor of the file releases nothing (classic POSIX locks fail both), and the kernel drops them
/// when the process dies. .NET exposes only classic POSIX locks (FileStream.Lock) and whole-file flock, so
/// this calls fcntl itself; no maintained package wraps OFD locks.
/// </summary>
sealed class RangeStripeLocks : StripeLockSet
{
    const int F_OFD_SETLK = 37;
    const short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    const int EAGAIN = 11, EACCES = 13, EINTR = 4;

    /// <summary>struct flock as Linux lays it out on 64-bit targets (sequential layout pads it to 32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    static extern int Fcntl(int fd, int cmd, ref Flock lk);

    readonly FileStream[] _files;
    readonly int[] _fds;
    /// <summary>Stripes per file (a power of two; int.MaxValue: one file, stripes.lock).</summary>
    readonly int _perFile;

    RangeStripeLocks(FileStream[] files, int perFile)
    {
        _files = files;
        _fds = Array.ConvertAll(files, f => (int)f.SafeFileHandle.DangerousGetHandle());
        _perFile = perFile;
    }

    /// <summary>One file (stripes.lock) when <paramref name="stripesPerFile"/> is 0, else stripes-N.lock files of
    /// that many stripes each, opened as they are first used.</summary>
    public static RangeStripeLocks? TryOpen(string dir, int stripesPerFile = 0)
    {
        if (IntPtr.Size != 8) return null;
        var perFile = stripesPerFile <= 0 ? int.MaxValue : stripesPerFile;
        var first = OpenFile(dir, perFile, 0);
        if (first is null) return null;
        var set = new RangeStripeLocks(new[] { first }, perFile) { _dir = dir };
        // A probe far past every stripe: EINVAL here means a kernel (or emulation) without OFD locks.
        try
        {
            if (set.Set(set._fds[0], int.MaxValue, F_WRLCK) is 0 && set.Set(set._fds[0], int.MaxValue, F_UNLCK) is 0) return set;
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
        set.Dispose();
        return null;
    }

    string _dir = "";
    readonly object _open = new();
    FileStream?[]? _more;
    int[]? _moreFds;

    static FileStream? OpenFile(string dir, int perFile, int index)
    {
        var name = perFile == int.MaxValue ? "stripes.lock" : $"stripes-{index:x3}.lock";
        try { return new FileStream(Path.Combine(dir, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The descriptor of the file holding <paramref name="stripe"/>, opened on first use.</summary>
    int FdOf(int stripe)
    {
        if (_perFile == int.MaxValue) return _fds[0];
        var index = stripe / _perFile;
        if (index == 0) return _fds[0];
        var fds = Volatile.Read(ref _moreFds);
        if (fds is not null && index < fds.Length && fds[index] != 0) return fds[index];
        lock (_open)
        {
            if (_moreFds is null || index >= _moreFds.Length)
            {
                var n = Math.Max(index + 1, (_moreFds?.Length ?? 0) * 2);
                Array.Resize(ref _more, n);
                var grown = new int[n];
                _moreFds?.CopyTo(grown, 0);
                Volatile.Write(ref _moreFds, grown);
            }
            if (_moreFds![index] == 0)
            {
                var f = OpenFile(_dir, _perFile, index) ?? throw new IOException($"Could not open the lock file for stripe {stripe} in {_dir}");
                _more![index] = f;
                _moreFds[index] = (int)f.SafeFileHandle.DangerousGetHandle();
            }
            return _moreFds[index];
        }
    }

    int Set(int fd, long offset, short type)
    {
        var lk = new Flock { Type = type, Whence = 0, Start = offset, Length = 1, Pid = 0 };
        while (true)
        {
            if (Fcntl(fd, F_OFD_SETLK, ref lk) == 0) return 0;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return errno;
        }
    }

    long OffsetOf(int stripe) => _perFile == int.MaxValue ? stripe : stripe % _perFile;

    public override bool TryLock(int stripe, bool exclusive)
    {
        var errno = Set(FdOf(stripe), OffsetOf(stripe), exclusive ? F_WRLCK : F_RDLCK);
        if (errno == 0) return true;
        if (errno is EAGAIN or EACCES) return false;
        throw new IOException($"Could not lock stripe {stripe} in {_dir}: errno {errno}");
    }

    public override void Unlock(int stripe) => Set(FdOf(stripe), OffsetOf(stripe), F_UNLCK);

    public override void Dispose()
    {
        foreach (var f in _files) f.Dispose();
        lock (_open) { if (_more is not null) foreach (var f in _more) f?.Dispose(); }
    }
}

/// <summary>
/// One file per stripe, held open with FileShare.None (exclusive) or FileShare.ReadWrite (shared), which .NET maps
/// to flock on Unix and share modes on Windows: the portable form, for systems without OFD locks.
/// </summary>
sealed class FileStripeLocks(Func<int, string> fileFor) : StripeLockSet
{
    readonly Dictionary<int, FileStream> _held = new();

    public override bool TryLock(int stripe, bool exclusive)
    {
        var path = fileFor(stripe);
        FileStream fs;
        try { fs = Open(path, exclusive); }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!); // removed under us, or a sub-directory not made yet
            try { fs = Open(path, exclusive); }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }
        catch (IOException) { return false; } // held by another process
        catch (UnauthorizedAccessException) { return false; }
        lock (_held) _held[stripe] = fs;
        return true;
    }

    static FileStream Open(string path, bool exclusive) =>
        new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, exclusive ? FileShare.None : FileShare.ReadWrite, 1, FileOptions.None);

    public override void Unlock(int stripe)
    {
        FileStream? fs;
        lock (_held)
        {
            if (!_held.Remove(stripe, out fs)) return;
        }
        fs.Dispose();
    }

    public override void Dispose()
    {
        lock (_held)
        {
            foreach (var fs in _held.Values) fs.Dispose();
            _held.Clear();
        }
    }
}
