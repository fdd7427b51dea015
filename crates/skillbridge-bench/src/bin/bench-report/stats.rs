//! Statistics over timed rounds: interleaved runs, medians, best rounds and paired ratios.

use std::time::Duration;

use skillbridge_bench as common;

/// Median and best of some timings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub(crate) median: Duration,
    pub(crate) best: Duration,
    pub(crate) worst: Duration,
}

impl Timing {
    pub(crate) fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let median = match samples.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => samples[n / 2],
            n => (samples[n / 2 - 1] + samples[n / 2]) / 2,
        };
        Self {
            median,
            best: samples.first().copied().unwrap_or_default(),
            worst: samples.last().copied().unwrap_or_default(),
        }
    }
}

/// Runs `run(contender)` for every contender, `rounds` times, rotating who goes first; the samples
/// of each contender in round order.
pub(crate) fn interleaved_samples(
    rounds: usize,
    contenders: usize,
    mut run: impl FnMut(usize) -> common::Sample,
) -> Vec<Vec<common::Sample>> {
    let mut samples = vec![Vec::with_capacity(rounds); contenders];
    for round in 0..rounds {
        for k in 0..contenders {
            let contender = (round + k) % contenders;
            // Pushed in round order for every contender, so index r is round r everywhere.
            samples[contender].push(run(contender));
        }
    }
    samples
}

/// Runs `run(contender)` for every contender, `rounds` times, rotating who goes first.
pub(crate) fn interleaved(rounds: usize, contenders: usize, mut run: impl FnMut(usize) -> Duration) -> Vec<Timing> {
    let mut samples = vec![Vec::with_capacity(rounds); contenders];
    for round in 0..rounds {
        for k in 0..contenders {
            let contender = (round + k) % contenders;
            samples[contender].push(run(contender));
        }
    }
    samples.into_iter().map(Timing::of).collect()
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Per-round ratio of `base`'s wall time over `other`'s: above 1, `other` is faster.
/// The per-round ratios of [`paired`], sorted: their spread shows the measurement noise.
pub(crate) fn paired_spread(base: &[common::Sample], other: &[common::Sample]) -> (f64, f64) {
    let mut ratios: Vec<f64> = base
        .iter()
        .zip(other)
        .map(|(b, o)| b.wall.as_secs_f64() / o.wall.as_secs_f64().max(1e-9))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: usize| {
        ratios
            .get(ratios.len().saturating_sub(1) * q / 4)
            .copied()
            .unwrap_or(f64::NAN)
    };
    (at(1), at(3))
}

pub(crate) fn paired(base: &[common::Sample], other: &[common::Sample]) -> f64 {
    median(
        base.iter()
            .zip(other)
            .map(|(b, o)| b.wall.as_secs_f64() / o.wall.as_secs_f64().max(1e-9))
            .collect(),
    )
}
