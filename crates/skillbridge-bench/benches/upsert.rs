//! Scenario 4, scaled down for criterion (500 expectations per iteration; the full 5,000 run is in
//! `bench-report`): `upsert_many` at concurrency 16 and 64 against a sequential loop,
//! with 5 ms of added server latency and the mock's in-flight write limit of 30.
//! `cargo bench -p skillbridge-bench --bench upsert`.

use std::cell::RefCell;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

use skillbridge_bench as common;

const PER_ITERATION: usize = 500;

fn bulk_upsert(c: &mut Criterion) {
    let mock = common::Mock::upserts();
    let runtime = common::client_runtime();
    let kombo = mock.kombo();
    let hris = mock.integration(&kombo);
    // Fresh pairs for every iteration, so that every upsert creates a record.
    let pairs = RefCell::new(common::FreshPairs::new(&mock.server));
    let next_inputs = || pairs.borrow_mut().take(&mock.server, PER_ITERATION);

    let mut group = c.benchmark_group("kombo_upsert_500");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(PER_ITERATION as u64));
    group.bench_function("sequential_loop", |b| {
        b.to_async(&runtime).iter_batched(
            next_inputs,
            |inputs| common::upsert_sequentially(&hris, inputs),
            criterion::BatchSize::PerIteration,
        )
    });
    for concurrency in [16, 64] {
        group.bench_function(format!("upsert_many_c{concurrency}"), |b| {
            b.to_async(&runtime).iter_batched(
                next_inputs,
                |inputs| common::upsert_many(&hris, inputs, concurrency),
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bulk_upsert);
criterion_main!(benches);
