//! The drift observer's cost (skillbridge's `observe` feature): a full TechWolf export (20,000
//! employees, every include, 200 pages) through `items()` with the observer not configured,
//! checking 1 % of the responses, and checking every response (what one checked page costs).
//! `cargo bench -p skillbridge-bench --features observe --bench observe`.
//!
//! The contenders run interleaved round by round in one process, on the same mock, so that drift
//! of the machine's speed hits them alike; criterion's groups run one after another. Without the
//! feature the send path has no observer code at all; with it and no observer configured, one
//! branch per response, which is what `observer_off` measures.

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use skillbridge::observe::ObserveConfig;
use skillbridge::techwolf::TechWolf;

use skillbridge_bench as common;

use common::{Mock, TECHWOLF_EMPLOYEES, Tally};

/// A TechWolf client for `mock`, observing as `config` says (if at all).
fn client(mock: &Mock, config: Option<ObserveConfig>) -> TechWolf {
    let server = &mock.server;
    let builder = TechWolf::builder()
        .base_url(server.techwolf().base_url())
        .token_url(server.techwolf().token_url())
        .client_credentials(server.techwolf().client_id(), server.techwolf().client_secret())
        .tenant(server.techwolf().tenant())
        .audience(server.techwolf().audience());
    match config {
        Some(config) => builder.observe(config),
        None => builder,
    }
    .build()
    .expect("valid client")
}

fn techwolf_export_observed(c: &mut Criterion) {
    let runtime = common::client_runtime();
    let mock = Mock::listing();
    let drift_events = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = std::sync::Arc::clone(&drift_events);
    let contenders = [
        ("observer_off", client(&mock, None)),
        ("observer_1_percent", client(&mock, Some(ObserveConfig::sampled(0.01)))),
        (
            "observer_every_response",
            client(
                &mock,
                Some(ObserveConfig::sampled(1.0).callback(move |_| {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                })),
            ),
        ),
    ];
    let expected: Tally = runtime.block_on(common::techwolf_items(&contenders[0].1, 0));
    assert_eq!(expected.records, TECHWOLF_EMPLOYEES);
    for (name, techwolf) in &contenders {
        assert_eq!(
            runtime.block_on(common::techwolf_items(techwolf, 0)),
            expected,
            "{name}"
        );
    }
    // The mock conforms to the document: a checked page finds nothing, so this measures the check.
    assert_eq!(drift_events.load(std::sync::atomic::Ordering::Relaxed), 0);

    let mut group = c.benchmark_group("techwolf_export_20k_observed");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(TECHWOLF_EMPLOYEES));
    for (name, techwolf) in &contenders {
        group.bench_function(*name, |b| {
            b.to_async(&runtime).iter(|| common::techwolf_items(techwolf, 0))
        });
    }
    group.finish();

    // Interleaved rounds: each contender once per round, the order rotating, best and median kept.
    let rounds = 15;
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for offset in 0..contenders.len() {
            let index = (round + offset) % contenders.len();
            let started = std::time::Instant::now();
            let tally = runtime.block_on(common::techwolf_items(&contenders[index].1, 0));
            times[index].push(started.elapsed());
            assert_eq!(tally, expected);
        }
    }
    let median = |t: &mut Vec<Duration>| {
        t.sort();
        t[t.len() / 2]
    };
    let off = median(&mut times[0].clone());
    for (index, (name, _)) in contenders.iter().enumerate() {
        let m = median(&mut times[index].clone());
        let best = times[index].iter().min().copied().unwrap_or_default();
        eprintln!(
            "interleaved ({rounds} rounds): {name:<24} median {m:>10.2?}  best {best:>10.2?}  median vs off {:.4}",
            m.as_secs_f64() / off.as_secs_f64()
        );
    }
}

criterion_group!(benches, techwolf_export_observed);
criterion_main!(benches);
