//! Timing one run (wall and CPU clocks), and the runtime and HTTP client every contender uses.

use std::time::Duration;

/// One timed run: wall time, the CPU time of the calling thread (the client, on its
/// current-thread runtime) and the CPU time of the rest of the process (the in-process mock server).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    /// Wall-clock time of the run.
    pub wall: Duration,
    /// CPU time of the calling thread (the client).
    pub client_cpu: Duration,
    /// CPU time of the rest of the process (the in-process mock server).
    pub server_cpu: Duration,
}

fn clock(id: rustix::time::ClockId) -> Duration {
    let now = rustix::time::clock_gettime(id);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or_default(),
        u32::try_from(now.tv_nsec).unwrap_or_default(),
    )
}

/// Runs `run` and measures it (see [`Sample`]).
pub fn measure<T>(run: impl FnOnce() -> T) -> (T, Sample) {
    let (thread, process) = (
        clock(rustix::time::ClockId::ThreadCPUTime),
        clock(rustix::time::ClockId::ProcessCPUTime),
    );
    let started = std::time::Instant::now();
    let value = run();
    let wall = started.elapsed();
    let client_cpu = clock(rustix::time::ClockId::ThreadCPUTime).saturating_sub(thread);
    let process_cpu = clock(rustix::time::ClockId::ProcessCPUTime).saturating_sub(process);
    let sample = Sample {
        wall,
        client_cpu,
        server_cpu: process_cpu.saturating_sub(client_cpu),
    };
    (value, sample)
}

/// A runtime for the client side: one thread, like a simple sync job.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// A reqwest client configured like skillbridge's (30 s timeout, 10 s connect timeout).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}
