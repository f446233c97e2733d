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

  private final StampedLock lock = new StampedLock();
  private volatile Table table = new Table(1024);
  private int size;
  private int used; // live + deleted slots

  /** Fixed-capacity open-addressing arrays; replaced whole on resize. */
  private static final class Table {
    final int mask;
    final long[] chains;
    final long[] hi;
    final long[] mid;
    final int[] lo;
    final int[] values;

    Table(int capacity) {
      mask = capacity - 1;
      chains = new long[capacity];
      hi = new long[capacity];
      mid = new long[capacity];
      lo = new int[capacity];
      values = new int[capacity];
      java.util.Arrays.fill(values, EMPTY);
    }

    int slot(long chain, long h, long m, int l) {
      int i = (int) mix(chain, h, m, l) & mask;
      for (int probes = 0; probes <= mask; probes++) {
        int v = values[i];
        if (v == EMPTY) {
          return -1 - i;
        }
        if (v != DELETED && chains[i] == chain && hi[i] == h && mid[i] == m && lo[i] == l) {
          return i;
        }
        i = (i + 1) & mask;
      }
      return Integer.MIN_VALUE;
    }
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
    long h = hex(buf, offset, 16);
    long m = hex(buf, offset + 16, 16);
    long l = hex(buf, offset + 32, 8);
    if ((h | m | l) == -1L && !validHex(buf, offset)) {
      return ABSENT;
    }
    long stamp = lock.tryOptimisticRead();
    int result = find(table, chain, h, m, (int) l);
    if (lock.validate(stamp)) {
      return result;
    }
    stamp = lock.readLock();
    try {
      return find(table, chain, h, m, (int) l);
    } finally {
      lock.unlockRead(stamp);
    }
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
    long h = hex(bytes, 2, 16);
    long m = hex(bytes, 18, 16);
    int l = (int) hex(bytes, 34, 8);
    long stamp = lock.writeLock();
    try {
      if ((used + 1) * 2 > table.mask + 1) {
        rehash(size * 4 > table.mask + 1 ? (table.mask + 1) * 2 : table.mask + 1);
      }
      Table t = table;
      int slot = t.slot(chain, h, m, l);
      if (slot >= 0) {
        t.values[slot] = value;
        return;
      }
      int i = -1 - slot;
      t.chains[i] = chain;
      t.hi[i] = h;
      t.mid[i] = m;
      t.lo[i] = l;
      t.values[i] = value; // written last: a concurrent optimistic reader validates anyway
      size++;
      used++;
    } finally {
      lock.unlockWrite(stamp);
    }
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

  private void rehash(int capacity) {
    Table old = table;
    Table next = new Table(capacity);
    for (int i = 0; i <= old.mask; i++) {
      if (old.values[i] >= 0) {
        int slot = -1 - next.slot(old.chains[i], old.hi[i], old.mid[i], old.lo[i]);
        next.chains[slot] = old.chains[i];
        next.hi[slot] = old.hi[i];
        next.mid[slot] = old.mid[i];
        next.lo[slot] = old.lo[i];
        next.values[slot] = old.values[i];
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
