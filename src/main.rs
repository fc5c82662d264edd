use clap::Parser;

// A request allocates many small short-lived objects (the document, the resolved fields, the
// rows) across the runtime's threads, where glibc's malloc spent a fifth of the server's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    // One TLS provider for the whole process (reqwest is built without a default one).
    let _ = rustls::crypto::ring::default_provider().install_default();
    acquis::telemetry::init();
    if let Err(err) = acquis::cli::run(acquis::cli::Cli::parse()).await {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
