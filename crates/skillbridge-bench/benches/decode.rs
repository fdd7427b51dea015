//! Scenario 5: decoding one 250-record Kombo page and one 100-employee TechWolf page (every include)
//! into the public types against decoding them into `serde_json::Value` (and into the generated
//! types, the step the client actually runs before converting).
//! `cargo bench -p skillbridge-bench --bench decode`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use skillbridge::kombo::StaffingEntitySkillPage;
use skillbridge::techwolf::EmployeeSkillClustersPage;

use skillbridge_bench as common;

/// Kombo's success envelope around the public page type.
#[derive(Deserialize)]
struct Envelope {
    data: StaffingEntitySkillPage,
}

fn kombo_page(c: &mut Criterion) {
    let mock = common::Mock::listing();
    let runtime = common::client_runtime();
    let body = runtime.block_on(mock.raw().first_page());
    let page: Envelope = serde_json::from_slice(&body).expect("decodes");
    assert_eq!(page.data.results.len(), 250);

    let mut group = c.benchmark_group("decode_kombo_page_250");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&body)).expect("decodes"))
    });
    group.bench_function("plain_structs", |b| {
        b.iter(|| common::decode_plain_kombo(std::hint::black_box(&body)))
    });
    group.bench_function("public_types", |b| {
        b.iter(|| serde_json::from_slice::<Envelope>(std::hint::black_box(&body)).expect("decodes"))
    });
    group.bench_function("generated_types", |b| {
        b.iter(|| {
            serde_json::from_slice::<skillbridge_openapi::kombo::types::GetHrisStaffingEntitySkillsPositiveResponse>(
                std::hint::black_box(&body),
            )
            .expect("decodes")
        })
    });
    group.finish();
}

fn techwolf_page(c: &mut Criterion) {
    let mock = common::Mock::listing();
    let runtime = common::client_runtime();
    let body = runtime.block_on(async { mock.raw_techwolf().await.first_page().await });
    let page: EmployeeSkillClustersPage = serde_json::from_slice(&body).expect("decodes");
    assert_eq!(page.records.len(), 100);

    let mut group = c.benchmark_group("decode_techwolf_page_100");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&body)).expect("decodes"))
    });
    group.bench_function("plain_structs", |b| {
        b.iter(|| common::decode_plain_techwolf(std::hint::black_box(&body)))
    });
    group.bench_function("public_types", |b| {
        b.iter(|| serde_json::from_slice::<EmployeeSkillClustersPage>(std::hint::black_box(&body)).expect("decodes"))
    });
    group.bench_function("generated_types", |b| {
        b.iter(|| {
            serde_json::from_slice::<skillbridge_openapi::techwolf::types::ExportResponse>(std::hint::black_box(&body))
                .expect("decodes")
        })
    });
    group.finish();
}

criterion_group!(benches, kombo_page, techwolf_page);
criterion_main!(benches);
