use clap::Parser;

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
