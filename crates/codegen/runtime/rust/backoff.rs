//! Exponential backoff with full jitter: attempt `n` (from 0) waits a uniformly random time in
//! `[0, min(max, base * 2^n)]`. The randomness is a xorshift generator seeded from the clock and
//! a process-wide counter (good enough to spread retries; not for anything else).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SEED_COUNTER: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);

/// A small xorshift64* generator.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator seeded from the clock and a counter (two generators made at the same instant
    /// differ).
    pub fn new() -> XorShift {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let count = SEED_COUNTER.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        XorShift::with_seed(nanos ^ count.rotate_left(17))
    }

    /// A generator with a fixed seed (0 is replaced, xorshift needs a non-zero state).
    pub fn with_seed(seed: u64) -> XorShift {
        XorShift(if seed == 0 {
            0x2545_f491_4f6c_dd1d
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A uniformly random number in `0..=max`.
    pub fn below_or_equal(&mut self, max: u64) -> u64 {
        if max == u64::MAX {
            return self.next_u64();
        }
        // The modulo bias is at most max / 2^64: irrelevant for delays.
        self.next_u64() % (max + 1)
    }
}

impl Default for XorShift {
    fn default() -> Self {
        XorShift::new()
    }
}

/// Exponential backoff with full jitter.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    attempt: u32,
    rng: XorShift,
}

impl Backoff {
    /// Delays starting at `base` (the cap of the first delay) and never above `max`.
    pub fn new(base: Duration, max: Duration) -> Backoff {
        Backoff {
            base,
            max,
            attempt: 0,
            rng: XorShift::new(),
        }
    }

    /// The backoff of the producer's retries: 100 ms doubling up to 5 s.
    pub fn produce() -> Backoff {
        Backoff::new(Duration::from_millis(100), Duration::from_secs(5))
    }

    /// The backoff of registry requests: 100 ms doubling up to 2 s.
    pub fn registry() -> Backoff {
        Backoff::new(Duration::from_millis(100), Duration::from_secs(2))
    }

    /// The backoff between attempts of a failing handler: 200 ms doubling up to 10 s.
    pub fn handler() -> Backoff {
        Backoff::new(Duration::from_millis(200), Duration::from_secs(10))
    }

    /// The upper bound of the next delay: `min(max, base * 2^attempt)`.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.max, |d| d.min(self.max))
    }

    /// The next delay, uniformly random in `[0, ceiling]`; advances the attempt count.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(self.rng.below_or_equal(nanos))
    }

    /// How many delays were handed out.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Starts over from the first delay.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}
