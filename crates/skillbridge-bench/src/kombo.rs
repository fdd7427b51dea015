//! The Kombo listing and upsert contenders: hand-written (a), the generated client (b) and
//! skillbridge's `items()` and `pages()`.

use std::num::NonZeroU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde::Deserialize;
use skillbridge::kombo::{Integration, SkillExpectation, StaffingEntitySkill};
use skillbridge_openapi::kombo::Client as GeneratedKombo;

use crate::sizes::{MAX_PAGES, PAGE_SIZE};
use crate::tally::Tally;

impl Tally {
    fn raw(&mut self, record: &RawRecord) {
        self.add(
            &record.id,
            record.expected_level.map(u64::from),
            record.changed_at,
            record.remote_deleted_at.is_some(),
        );
    }

    fn record(&mut self, record: &StaffingEntitySkill) {
        self.add(
            record.id.as_str(),
            record.expected_level.map(|l| u64::from(l.get())),
            record.changed_at,
            record.is_deleted(),
        );
    }
}

/// Contender (a): a hand-written reqwest + serde_json loop into plain structs.
#[derive(Debug, Clone)]
pub struct RawKombo {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
    pub(crate) api_key: String,
    pub(crate) integration_id: String,
}

#[derive(Deserialize)]
struct RawResponse {
    data: RawPage,
}

#[derive(Deserialize)]
struct RawPage {
    results: Vec<RawRecord>,
    next: Option<String>,
}

/// The fields the client decodes, with the same types, so that only the wrapper's cost differs.
#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    staffing_entity_id: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    skill_id: String,
    expected_level: Option<u8>,
    changed_at: DateTime<Utc>,
    remote_deleted_at: Option<DateTime<Utc>>,
}

impl RawKombo {
    /// The request for one page of 250 (deleted records included), after `cursor` if given.
    fn page_request(&self, cursor: Option<&str>) -> reqwest::RequestBuilder {
        let request = self
            .http
            .get(&self.url)
            .bearer_auth(&self.api_key)
            .header("X-Integration-Id", &self.integration_id)
            .query(&[("page_size", "250"), ("include_deleted", "true")]);
        match cursor {
            Some(cursor) => request.query(&[("cursor", cursor)]),
            None => request,
        }
    }

    /// Every record, page by page, until `next` is null.
    pub async fn list(&self) -> Tally {
        let mut tally = Tally::default();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let request = self.page_request(cursor.as_deref());
            let response = request.send().await.expect("sent").error_for_status().expect("200");
            let bytes = response.bytes().await.expect("body");
            let page: RawResponse = serde_json::from_slice(&bytes).expect("decodes");
            for record in &page.data.results {
                tally.raw(record);
            }
            match page.data.next {
                Some(next) => cursor = Some(next),
                None => return tally,
            }
        }
        panic!("more than {MAX_PAGES} pages");
    }

    /// The raw bytes of the first page (the decoding scenario's input).
    pub async fn first_page(&self) -> Vec<u8> {
        self.page_request(None)
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("200")
            .bytes()
            .await
            .expect("body")
            .to_vec()
    }

    /// Contender "sequential loop" of the upsert scenario, by hand: one POST after another.
    pub async fn upsert_sequentially(&self, inputs: &[SkillExpectation]) -> u64 {
        let mut saved = 0;
        for input in inputs {
            let response = self
                .http
                .post(&self.url)
                .bearer_auth(&self.api_key)
                .header("X-Integration-Id", &self.integration_id)
                .json(input)
                .send()
                .await
                .expect("sent");
            if response.status().is_success() {
                saved += 1;
            }
        }
        saved
    }
}

/// Decodes a Kombo page into contender (a)'s plain structs; returns the record count.
pub fn decode_plain_kombo(body: &[u8]) -> usize {
    serde_json::from_slice::<RawResponse>(body)
        .expect("decodes")
        .data
        .results
        .len()
}

/// Contender (b): the generated client used directly, with the same loop.
pub async fn generated_list(client: &GeneratedKombo, integration_id: &str) -> Tally {
    let mut tally = Tally::default();
    let mut cursor: Option<String> = None;
    let page_size = NonZeroU64::new(u64::from(PAGE_SIZE)).expect("non-zero");
    for _ in 0..MAX_PAGES {
        let mut request = client
            .get_hris_staffing_entity_skills()
            .x_integration_id(integration_id)
            .page_size(page_size)
            .include_deleted(true);
        if let Some(cursor) = cursor.take() {
            request = request.cursor(cursor);
        }
        let page = request.send().await.expect("200").into_inner().data;
        for r in &page.results {
            tally.add(
                &r.id,
                r.expected_level.map(NonZeroU64::get),
                r.changed_at,
                r.remote_deleted_at.is_some(),
            );
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return tally,
        }
    }
    panic!("more than {MAX_PAGES} pages");
}

/// The contender under test: `items()` at page size 250, `read_ahead` pages requested ahead
/// (`0`: none, as the targets of scenarios 1 and 2 are measured).
pub async fn items_list(hris: &Integration, read_ahead: usize) -> Tally {
    hris.staffing_entity_skills()
        .page_size(PAGE_SIZE)
        .include_deleted(true)
        .read_ahead(read_ahead)
        .items()
        .try_fold(Tally::default(), |mut tally, record| async move {
            tally.record(&record);
            Ok(tally)
        })
        .await
        .expect("every page")
}

/// `pages()` at page size 250, records read from each page: `items()` without its per-record stream.
pub async fn pages_list(hris: &Integration) -> Tally {
    hris.staffing_entity_skills()
        .page_size(PAGE_SIZE)
        .include_deleted(true)
        .pages()
        .try_fold(Tally::default(), |mut tally, page| async move {
            for record in &page.results {
                tally.record(record);
            }
            Ok(tally)
        })
        .await
        .expect("every page")
}

impl RawKombo {
    /// Contender (a) of scenario 7: loop (a), awaiting `work` after each page as a caller that
    /// writes each page to a database does.
    pub async fn list_with_work(&self, work: Duration) -> Tally {
        let mut tally = Tally::default();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let request = self.page_request(cursor.as_deref());
            let response = request.send().await.expect("sent").error_for_status().expect("200");
            let page: RawResponse = serde_json::from_slice(&response.bytes().await.expect("body")).expect("decodes");
            for record in &page.data.results {
                tally.raw(record);
            }
            tokio::time::sleep(work).await;
            match page.data.next {
                Some(next) => cursor = Some(next),
                None => return tally,
            }
        }
        panic!("more than {MAX_PAGES} pages");
    }
}

/// Scenario 7's contender under test: `items()` (read-ahead `read_ahead`), awaiting `work` after
/// every page's worth of records.
pub async fn items_with_work(hris: &Integration, read_ahead: usize, work: Duration) -> Tally {
    let mut items = hris
        .staffing_entity_skills()
        .page_size(PAGE_SIZE)
        .include_deleted(true)
        .read_ahead(read_ahead)
        .items();
    let mut tally = Tally::default();
    while let Some(record) = items.try_next().await.expect("every page") {
        tally.record(&record);
        if tally.records % u64::from(PAGE_SIZE) == 0 {
            tokio::time::sleep(work).await;
        }
    }
    // The last, shorter page is a page of work too.
    if tally.records % u64::from(PAGE_SIZE) != 0 {
        tokio::time::sleep(work).await;
    }
    tally
}

/// Scenario 8: a listing under a rate limit; when each page arrived, counted from the start.
pub async fn paced_pages(hris: &Integration, page_size: u32) -> (Tally, Vec<Duration>) {
    let started = std::time::Instant::now();
    let mut pages = hris
        .staffing_entity_skills()
        .page_size(page_size)
        .include_deleted(true)
        .pages();
    let mut tally = Tally::default();
    let mut arrivals = Vec::new();
    while let Some(page) = pages.try_next().await.expect("every page") {
        arrivals.push(started.elapsed());
        for record in &page.results {
            tally.record(record);
        }
    }
    (tally, arrivals)
}
