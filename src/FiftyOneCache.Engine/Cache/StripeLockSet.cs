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
    public static StripeLockSet Open(string dir, Func<int, string> fileForStripe)
    {
        Directory.CreateDirectory(dir);
        if (OperatingSystem.IsLinux() && RangeStripeLocks.TryOpen(Path.Combine(dir, "stripes.lock")) is { } ranges) return ranges;
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

    readonly FileStream _file;
    readonly int _fd;

    RangeStripeLocks(FileStream file)
    {
        _file = file;
        _fd = (int)file.SafeFileHandle.DangerousGetHandle();
    }

    public static RangeStripeLocks? TryOpen(string path)
    {
        if (IntPtr.Size != 8) return null;
        FileStream file;
        try { file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        var set = new RangeStripeLocks(file);
        // A probe far past every stripe: EINVAL here means a kernel (or emulation) without OFD locks.
        try
        {
            if (set.Set(int.MaxValue, F_WRLCK) is 0 && set.Set(int.MaxValue, F_UNLCK) is 0) return set;
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
        set.Dispose();
        return null;
    }

    int Set(long offset, short type)
    {
        var lk = new Flock { Type = type, Whence = 0, Start = offset, Length = 1, Pid = 0 };
        while (true)
        {
            if (Fcntl(_fd, F_OFD_SETLK, ref lk) == 0) return 0;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return errno;
        }
    }

    public override bool TryLock(int stripe, bool exclusive)
    {
        var errno = Set(stripe, exclusive ? F_WRLCK : F_RDLCK);
        if (errno == 0) return true;
        if (errno is EAGAIN or EACCES) return false;
        throw new IOException($"Could not lock stripe {stripe} of {_file.Name}: errno {errno}");
    }

    public override void Unlock(int stripe) => Set(stripe, F_UNLCK);

    public override void Dispose() => _file.Dispose();
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
