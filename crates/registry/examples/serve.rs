//! Runs the registry server until ctrl-c (the CLI's `schemagate registry serve` in small).
//!
//! ```sh
//! cargo run -p schemagate-registry --example serve -- --listen 127.0.0.1:8081 --db registry.db \
//!     [--basic-auth USER:PASSWORD] [--read-only]
//! ```
//!
//! Prints `listening on http://ADDR` once it accepts connections (useful with port 0).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use schemagate_registry::server::{self, ServerConfig};

fn usage(problem: &str) -> ExitCode {
    eprintln!("{problem}\nusage: serve --listen ADDR --db PATH [--basic-auth USER:PASSWORD] [--read-only]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut listen: Option<SocketAddr> = None;
    let mut db: Option<PathBuf> = None;
    let mut basic_auth = None;
    let mut read_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => match args.next().map(|a| a.parse()) {
                Some(Ok(addr)) => listen = Some(addr),
                _ => return usage("--listen needs an address like 127.0.0.1:8081"),
            },
            "--db" => match args.next() {
                Some(path) => db = Some(PathBuf::from(path)),
                None => return usage("--db needs a path"),
            },
            "--basic-auth" => match args.next().as_deref().and_then(|a| a.split_once(':')) {
                Some((user, password)) => basic_auth = Some((user.to_string(), password.to_string())),
                None => return usage("--basic-auth needs USER:PASSWORD"),
            },
            "--read-only" => read_only = true,
            other => return usage(&format!("unknown argument {other}")),
        }
    }
    let (Some(listen), Some(db_path)) = (listen, db) else {
        return usage("--listen and --db are required");
    };
    let config = ServerConfig { listen, db_path, basic_auth, read_only };
    // Bind through `spawn` to learn the address (port 0), then wait for ctrl-c.
    let running = match server::spawn(config) {
        Ok(running) => running,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    println!("listening on {}", running.url());
    let _ = std::io::stdout().flush();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        if let Ok(runtime) = runtime {
            let _ = runtime.block_on(tokio::signal::ctrl_c());
        } else {
            std::thread::park();
        }
        let _ = tx.send(());
    });
    let _ = rx.recv();
    drop(waiter);
    match running.shutdown() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
