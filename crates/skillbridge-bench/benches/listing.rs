//! Scenarios 1 and 2: a full Kombo listing through `items()` against a hand-written reqwest +
//! serde_json loop and against the generated client used directly, and a full TechWolf export
//! through `items()` against a hand-written loop, on the same in-process mock server.
//! `cargo bench -p skillbridge-bench --bench listing`.
//!
//! Criterion runs contenders one after another; BENCHMARKS.md comes from the interleaved runs of
//! `bench-report`, which uses the same contenders (the `skillbridge_bench` library).

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

use skillbridge_bench as common;

use common::{KOMBO_RECORDS, KomboListing, TECHWOLF_EMPLOYEES, TechWolfExport};

fn kombo_listing(c: &mut Criterion) {
    let runtime = common::client_runtime();
    let KomboListing {
        raw,
        generated,
        integration_id,
        hris,
        ..
    } = &KomboListing::new(&runtime);

    let mut group = c.benchmark_group("kombo_listing_100k");
    // One listing takes about half a second: ten flat samples of one listing each.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(KOMBO_RECORDS));
    group.bench_function("raw_reqwest_serde", |b| b.to_async(&runtime).iter(|| raw.list()));
    group.bench_function("generated_client", |b| {
        b.to_async(&runtime)
            .iter(|| common::generated_list(generated, integration_id))
    });
    group.bench_function("skillbridge_items", |b| {
        b.to_async(&runtime).iter(|| common::items_list(hris, 0))
    });
    group.bench_function("skillbridge_items_read_ahead", |b| {
        b.to_async(&runtime).iter(|| common::items_list(hris, 1))
    });
    group.finish();
}

fn techwolf_export(c: &mut Criterion) {
    let runtime = common::client_runtime();
    let TechWolfExport {
        raw,
        generated,
        techwolf,
        ..
    } = &TechWolfExport::new(&runtime);

    let mut group = c.benchmark_group("techwolf_export_20k_all_includes");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(TECHWOLF_EMPLOYEES));
    group.bench_function("raw_reqwest_serde", |b| b.to_async(&runtime).iter(|| raw.export()));
    group.bench_function("generated_client", |b| {
        b.to_async(&runtime)
            .iter(|| common::generated_techwolf_export(generated))
    });
    group.bench_function("skillbridge_items", |b| {
        b.to_async(&runtime).iter(|| common::techwolf_items(techwolf, 0))
    });
    group.bench_function("skillbridge_items_read_ahead", |b| {
        b.to_async(&runtime).iter(|| common::techwolf_items(techwolf, 1))
    });
    group.finish();
}

criterion_group!(benches, kombo_listing, techwolf_export);
criterion_main!(benches);
