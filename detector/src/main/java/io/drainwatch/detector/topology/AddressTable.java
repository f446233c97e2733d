package io.drainwatch.detector.topology;

import java.util.concurrent.locks.StampedLock;

/**
 * A compact hash table from (chain id, 20-byte address) to a small int, read without allocation
 * straight from hex digits in a byte array. Built for the detector's hot path: every chain event is
 * looked up here twice, and almost none match.
 *
 * <p>One writer (the global store thread) and many readers (stream threads): readers use an
 * optimistic {@link StampedLock} read and retry under the read lock only if a write overlapped.
 */
final class AddressTable {
    static final int ABSENT = -1;
    private static final int EMPTY = -1;
    private static final int DELETED = -2;
    private static final byte[] HEX = new byte[128];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['a' + i] = (byte) (10 + i);
            HEX['A' + i] = (byte) (10 + i);
        }
    }

    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private final StampedLock lock = new StampedLock();
    private volatile Table table = new Table(1024);
    private int size;
    private int used; // live + deleted slots

    /**
     * Fixed-capacity open-addressing arrays; replaced whole on resize. {@code tags} holds 16 bits of
     * each slot's hash (0 = empty): a probe reads the next tags from one cache line and touches the
     * key arrays only on a tag match, so a lookup of an unwatched address (almost every lookup)
     * usually costs one cache miss instead of one per array.
     */
    private static final class Table {
        final int mask;
        final short[] tags;
        final long[] chains;
        final long[] hi;
        final long[] mid;
        final int[] lo;
        final int[] values;

        Table(int capacity) {
            mask = capacity - 1;
            tags = new short[capacity];
            chains = new long[capacity];
            hi = new long[capacity];
            mid = new long[capacity];
            lo = new int[capacity];
            values = new int[capacity];
            java.util.Arrays.fill(values, EMPTY);
        }

        int slot(long chain, long h, long m, int l) {
            return slot(chain, mix(chain, h, m, l), h, m, l);
        }

        int slot(long chain, long hash, long h, long m, int l) {
            short tag = tag(hash);
            int i = (int) hash & mask;
            for (int probes = 0; probes <= mask; probes++) {
                short t = tags[i];
                if (t == 0) {
                    return -1 - i;
                }
                if (t == tag && values[i] != DELETED && chains[i] == chain && hi[i] == h && mid[i] == m && lo[i] == l) {
                    return i;
                }
                i = (i + 1) & mask;
            }
            return Integer.MIN_VALUE;
        }

        void fill(int i, long chain, long h, long m, int l, int value) {
            chains[i] = chain;
            hi[i] = h;
            mid[i] = m;
            lo[i] = l;
            values[i] = value;
            tags[i] = tag(mix(chain, h, m, l)); // written last: a concurrent optimistic reader validates anyway
        }
    }

    /** The high 16 bits of the hash, never 0 (0 marks an empty slot). */
    private static short tag(long hash) {
        short t = (short) (hash >>> 48);
        return t == 0 ? 1 : t;
    }

    private static long mix(long chain, long h, long m, int l) {
        long x = h * 0x9E3779B97F4A7C15L ^ m * 0xC2B2AE3D27D4EB4FL ^ (l & 0xFFFFFFFFL) * 0x165667B19E3779F9L ^ chain;
        return x ^ (x >>> 29) ^ (x >>> 47);
    }

    /**
     * The value for the address whose 40 hex digits start at {@code offset} of {@code buf}, or
     * {@link #ABSENT}. Malformed hex is absent.
     */
    int get(long chain, byte[] buf, int offset) {
        if (offset < 0 || offset + 40 > buf.length) {
            return ABSENT;
        }
        long h = (nibbles(buf, offset) << 32) | nibbles(buf, offset + 8);
        long m = (nibbles(buf, offset + 16) << 32) | nibbles(buf, offset + 24);
        int l = (int) nibbles(buf, offset + 32);
        long stamp = lock.tryOptimisticRead();
        int result = find(table, chain, h, m, l);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                result = find(table, chain, h, m, l);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        // The fast decode maps any byte to some nibble; only real hex digits may match a wallet.
        return result >= 0 && !validHex(buf, offset) ? ABSENT : result;
    }

    /**
     * A batch of lookups answered together by {@link #getAll}, with its scratch space. Not thread-safe:
     * one per reading thread.
     */
    static final class Batch {
        static final int CAPACITY = 128;

        private final long[] chains = new long[CAPACITY];
        private final byte[][] bufs = new byte[CAPACITY][];
        private final int[] offsets = new int[CAPACITY];
        private final long[] hashes = new long[CAPACITY];
        private final long[] hi = new long[CAPACITY];
        private final long[] mid = new long[CAPACITY];
        private final int[] lo = new int[CAPACITY];
        private final int[] values = new int[CAPACITY];
        private int size;
        private int sink;

        /** Adds the address whose 40 hex digits start at {@code offset} of {@code buf}; returns its index. */
        int add(long chain, byte[] buf, int offset) {
            chains[size] = chain;
            bufs[size] = buf;
            offsets[size] = offset;
            return size++;
        }

        boolean full() {
            return size == CAPACITY;
        }

        int size() {
            return size;
        }

        /** The chain of the address added at {@code index}. */
        long chain(int index) {
            return chains[index];
        }

        /** Where the hex digits of the address added at {@code index} start. */
        int offset(int index) {
            return offsets[index];
        }

        /** The answer for the address added at {@code index}, valid after {@link #getAll}: as {@link #get}. */
        int value(int index) {
            return values[index];
        }

        /** Empties the batch for the next addresses. */
        void clear() {
            java.util.Arrays.fill(bufs, 0, size, null);
            size = 0;
        }
    }

    /**
     * Answers every lookup of {@code batch} as {@link #get(long, byte[], int)} would, faster: it reads
     * the first probed slot of every address before comparing any, so the cache misses into the table
     * (one per unwatched address, the cost of a lookup) overlap instead of following one another.
     */
    void getAll(Batch batch) {
        int n = batch.size;
        for (int k = 0; k < n; k++) {
            int offset = batch.offsets[k];
            byte[] buf = batch.bufs[k];
            if (offset < 0 || offset + 40 > buf.length) {
                batch.offsets[k] = -1;
                continue;
            }
            long h = (nibbles(buf, offset) << 32) | nibbles(buf, offset + 8);
            long m = (nibbles(buf, offset + 16) << 32) | nibbles(buf, offset + 24);
            int l = (int) nibbles(buf, offset + 32);
            batch.hi[k] = h;
            batch.mid[k] = m;
            batch.lo[k] = l;
            batch.hashes[k] = mix(batch.chains[k], h, m, l);
        }
        long stamp = lock.tryOptimisticRead();
        findAll(table, batch);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                findAll(table, batch);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        for (int k = 0; k < n; k++) {
            if (batch.values[k] >= 0 && !validHex(batch.bufs[k], batch.offsets[k])) {
                batch.values[k] = ABSENT;
            }
        }
    }

    /**
     * As {@link #get(long, byte[], int)}, for the address added at {@code index} of a batch that
     * {@link #getAll} of some table has answered: its digits are decoded and hashed already, so asking a
     * second table about the same addresses costs one probe each.
     */
    int get(Batch batch, int index) {
        if (batch.offsets[index] < 0) {
            return ABSENT;
        }
        long stamp = lock.tryOptimisticRead();
        int result = find(table, batch, index);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                result = find(table, batch, index);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return result >= 0 && !validHex(batch.bufs[index], batch.offsets[index]) ? ABSENT : result;
    }

    private static int find(Table t, Batch batch, int k) {
        int slot = t.slot(batch.chains[k], batch.hashes[k], batch.hi[k], batch.mid[k], batch.lo[k]);
        return slot >= 0 ? t.values[slot] : ABSENT;
    }

    private static void findAll(Table t, Batch batch) {
        int n = batch.size;
        short[] tags = t.tags;
        int mask = t.mask;
        long[] hashes = batch.hashes;
        int sink = 0;
        for (int k = 0; k < n; k++) {
            sink += tags[(int) hashes[k] & mask]; // independent loads: the misses overlap
        }
        batch.sink = sink;
        for (int k = 0; k < n; k++) {
            if (batch.offsets[k] < 0) {
                batch.values[k] = ABSENT;
                continue;
            }
            int slot = t.slot(batch.chains[k], hashes[k], batch.hi[k], batch.mid[k], batch.lo[k]);
            batch.values[k] = slot >= 0 ? t.values[slot] : ABSENT;
        }
    }

    /**
     * The value of 8 hex digits at {@code offset}, decoded 8 at a time in one long ("SWAR"): digits
     * and letters of either case map to 0-15 per byte, then the nibbles are packed into 32 bits.
     * Bytes that are not hex digits decode to something; callers check on a match.
     */
    private static long nibbles(byte[] buf, int offset) {
        long x = (long) BIG_ENDIAN_LONGS.get(buf, offset);
        long letters = (x & 0x4040404040404040L) >>> 6;
        long v = (x & 0x0F0F0F0F0F0F0F0FL) + letters * 9;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        return (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
    }

    /** The value for a lowercase or uppercase 0x-prefixed address string, or {@link #ABSENT}. */
    int get(long chain, String address) {
        byte[] bytes = address.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length != 42) {
            return ABSENT;
        }
        return get(chain, bytes, 2);
    }

    private static int find(Table t, long chain, long h, long m, int l) {
        int slot = t.slot(chain, h, m, l);
        return slot >= 0 ? t.values[slot] : ABSENT;
    }

    void put(long chain, String address, int value) {
        byte[] bytes = address.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length != 42 || !validHex(bytes, 2)) {
            throw new IllegalArgumentException("not an address: " + address);
        }
        put(chain, hex(bytes, 2, 16), hex(bytes, 18, 16), (int) hex(bytes, 34, 8), value);
    }

    private void put(long chain, long h, long m, int l, int value) {
        long stamp = lock.writeLock();
        try {
            insert(chain, h, m, l, value);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Adds or replaces one entry; the caller holds the write lock. */
    private void insert(long chain, long h, long m, int l, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        if (full(used + 1, table.mask + 1)) {
            // mostly live entries: double; mostly deleted slots: clear them at the same size
            rehash(2L * size > table.mask + 1 ? (table.mask + 1) * 2 : table.mask + 1);
        }
        Table t = table;
        int slot = t.slot(chain, h, m, l);
        if (slot >= 0) {
            t.values[slot] = value;
            return;
        }
        t.fill(-1 - slot, chain, h, m, l, value);
        size++;
        used++;
    }

    void remove(long chain, String address) {
        byte[] bytes = address.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length != 42 || !validHex(bytes, 2)) {
            return;
        }
        long stamp = lock.writeLock();
        try {
            Table t = table;
            int slot = t.slot(chain, hex(bytes, 2, 16), hex(bytes, 18, 16), (int) hex(bytes, 34, 8));
            if (slot >= 0) {
                t.values[slot] = DELETED;
                size--;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    int size() {
        return size;
    }

    /** Forgets every entry. */
    void clear() {
        long stamp = lock.writeLock();
        try {
            table = new Table(1024);
            size = 0;
            used = 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Writes every entry to {@code out}: their count, then each one's chain, address and value. Call from the writer. */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        Table t = table;
        out.writeInt(size);
        for (int i = 0; i <= t.mask; i++) {
            if (t.tags[i] != 0 && t.values[i] >= 0) {
                out.writeLong(t.chains[i]);
                out.writeLong(t.hi[i]);
                out.writeLong(t.mid[i]);
                out.writeInt(t.lo[i]);
                out.writeInt(t.values[i]);
            }
        }
    }

    /**
     * Whether {@code slots} used slots (live or deleted) fill a table of {@code capacity} past its load
     * limit of three quarters. Misses, nearly every lookup, probe tags 32 to a cache line, so a fuller table
     * costs little, and ten million wallets fit in 2^24 slots (about 570 MB) instead of 2^25.
     */
    private static boolean full(long slots, long capacity) {
        return slots * 4 > capacity * 3;
    }

    /** Adds the entries that {@link #writeTo} wrote; readers wait until it is done (it runs at start, before any). */
    void readFrom(java.io.DataInput in) throws java.io.IOException {
        int count = in.readInt();
        if (count < 0 || count > 1 << 28) {
            throw new java.io.IOException("implausible entry count " + count);
        }
        long stamp = lock.writeLock(); // once for the whole load, not once an entry
        try {
            int capacity = table.mask + 1;
            while (full((long) used + count, capacity)) {
                capacity *= 2;
            }
            if (capacity > table.mask + 1) {
                rehash(capacity); // once, instead of at each doubling while the entries are added
            }
            for (int i = 0; i < count; i++) {
                insert(in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readInt());
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void rehash(int capacity) {
        Table old = table;
        Table next = new Table(capacity);
        for (int i = 0; i <= old.mask; i++) {
            if (old.values[i] >= 0) {
                next.fill(
                        -1 - next.slot(old.chains[i], old.hi[i], old.mid[i], old.lo[i]),
                        old.chains[i],
                        old.hi[i],
                        old.mid[i],
                        old.lo[i],
                        old.values[i]);
            }
        }
        used = size;
        table = next;
    }

    /** Parses {@code digits} hex digits; -1 if any is not hex (callers re-check, since -1 is also valid data). */
    private static long hex(byte[] buf, int offset, int digits) {
        long v = 0;
        for (int i = 0; i < digits; i++) {
            int b = buf[offset + i];
            int d = b >= 0 ? HEX[b] : -1;
            if (d < 0) {
                return -1L;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static boolean validHex(byte[] buf, int offset) {
        if (offset + 40 > buf.length) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            int b = buf[offset + i];
            if (b < 0 || HEX[b] < 0) {
                return false;
            }
        }
        return true;
    }
}
