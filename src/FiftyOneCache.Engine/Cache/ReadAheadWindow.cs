namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// How far a streaming call runs ahead of its consumer: FiftyOne's download_context batch, by bytes
/// (download_size_bytes) or by count (batch_size).
/// <para>
/// Two gates. An item <em>enters</em> (takes a <see cref="Slot"/>) while fewer than <see cref="MaxCount"/> items are
/// entered and not yet taken, and the admitted bytes are under <see cref="MaxBytes"/>. Its bytes are then
/// <em>admitted</em> once its size is known (from a listing, a stat, or the GET's own headers) and before a byte of it
/// is written: in entry order, and only while the admitted bytes plus its own fit in <see cref="MaxBytes"/> (or
/// nothing is admitted, so one object larger than the batch still goes alone). So whatever the pool size, the bytes
/// handed out or being written and not yet taken never exceed one batch, or one object when that is larger.
/// </para>
/// <para>
/// Admission in entry order is what keeps an ordered stream from deadlocking: the consumer takes items in entry
/// order, so an item waiting for room only ever waits for bytes held by its predecessors, which the consumer takes
/// before it needs this one.
/// </para>
/// <para>
/// An item waiting for its turn may hold a connection (a plain HTTP GET is its own stat, and its body waits open).
/// So at most <see cref="MaxUnsized"/> items are entered and not yet admitted, fewer than a store's connections per
/// server (64): the item whose turn it is always finds a connection, held at worst by downloads that are already
/// admitted and end by themselves. Admitted items download with the whole pool.
/// </para>
/// </summary>
public sealed class ReadAheadWindow(long maxBytes, int maxCount)
{
    readonly object _gate = new();
    readonly SortedSet<long> _resolvedAhead = new(); // tickets admitted or passed before their turn came
    long _bytes;
    int _count;
    int _unsized; // entered, not yet admitted or passed
    long _nextTicket;
    long _turn; // the lowest ticket not yet admitted or passed
    TaskCompletionSource? _waiter;

    public long MaxBytes { get; } = maxBytes <= 0 ? long.MaxValue : maxBytes;
    public int MaxCount { get; } = maxCount <= 0 ? int.MaxValue : maxCount;

    /// <summary>Items at most between entering and having their bytes admitted (see the class remarks).</summary>
    public const int MaxUnsized = 16;

    /// <summary>Items entered and not yet taken, and the bytes admitted for them (for tests and progress).</summary>
    public (int Count, long Bytes) Outstanding { get { lock (_gate) return (_count, _bytes); } }

    /// <summary>The most bytes ever admitted and not yet taken at one moment (for tests).</summary>
    public long PeakBytes { get { lock (_gate) return _peak; } }
    long _peak;

    /// <summary>Waits for room to start one more item; the slot admits its bytes later and leaves when taken.</summary>
    public async Task<Slot> EnterAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_count == 0 || (_unsized < MaxUnsized && _count < MaxCount && _bytes < MaxBytes))
                {
                    _count++;
                    _unsized++;
                    return new Slot(this, _nextTicket++);
                }
                wait = WaitLocked();
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    Task WaitLocked() => (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    void WakeLocked(ref TaskCompletionSource? wake)
    {
        wake = _waiter;
        _waiter = null;
    }

    /// <summary>Waits until it is <paramref name="ticket"/>'s turn and <paramref name="bytes"/> fit; true if it had to wait.</summary>
    async ValueTask<bool> AdmitAsync(long ticket, long bytes, CancellationToken ct)
    {
        for (var waited = false; ; waited = true)
        {
            Task? wait = null;
            TaskCompletionSource? wake = null;
            lock (_gate)
            {
                if (_turn == ticket && (_bytes == 0 || _bytes + bytes <= MaxBytes))
                {
                    _bytes += bytes;
                    _peak = Math.Max(_peak, _bytes);
                    _unsized--;
                    AdvanceLocked();
                    WakeLocked(ref wake);
                }
                else wait = WaitLocked();
            }
            if (wait is null)
            {
                wake?.TrySetResult();
                return waited;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>An item that needs no room (it failed before its size was known): its turn passes at once.</summary>
    void Pass(long ticket)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _unsized--;
            if (ticket == _turn) AdvanceLocked();
            else _resolvedAhead.Add(ticket);
            WakeLocked(ref wake);
        }
        wake?.TrySetResult();
    }

    void AdvanceLocked()
    {
        _turn++;
        while (_resolvedAhead.Remove(_turn)) _turn++;
    }

    /// <summary>The consumer took an item whose slot admitted <paramref name="bytes"/>.</summary>
    void Leave(long bytes)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _count--;
            _bytes -= bytes;
            WakeLocked(ref wake);
        }
        wake?.TrySetResult();
    }

    /// <summary>
    /// One item's place in the window: <see cref="AdmitAsync"/> once its size is known (idempotent),
    /// <see cref="Resolve"/> when it ends without being admitted, <see cref="Leave"/> when the consumer takes it.
    /// </summary>
    public sealed class Slot
    {
        readonly ReadAheadWindow _window;
        readonly long _ticket;
        int _state; // 0 entered, 1 admitted or passed, 2 left

        internal Slot(ReadAheadWindow window, long ticket)
        {
            _window = window;
            _ticket = ticket;
        }

        /// <summary>The bytes this item holds in the window.</summary>
        public long Bytes { get; private set; }

        /// <summary>Waits for this item's turn and for room for <paramref name="bytes"/>; true if it had to wait.</summary>
        public async ValueTask<bool> AdmitAsync(long bytes, CancellationToken ct)
        {
            if (Volatile.Read(ref _state) != 0) return false;
            var waited = await _window.AdmitAsync(_ticket, bytes, ct).ConfigureAwait(false);
            Bytes = bytes;
            Volatile.Write(ref _state, 1);
            return waited;
        }

        /// <summary>Ends the item's claim on a turn if it never admitted bytes (a failure, a cancellation).</summary>
        public void Resolve()
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) _window.Pass(_ticket);
        }

        /// <summary>The consumer took the item (or the run ended): its bytes and its place are free again.</summary>
        public void Leave()
        {
            Resolve();
            if (Interlocked.Exchange(ref _state, 2) != 2) _window.Leave(Bytes);
        }
    }
}
