//! A Confluent Schema Registry compatible server: Confluent's REST API (paths, JSON shapes,
//! error codes), SQLite storage that survives `kill -9`, and compatibility enforcement with
//! schemagate's Avro, JSON Schema and Protobuf engines.
//!
//! [`serve`] runs until ctrl-c; [`spawn`] runs in the background and hands back the bound
//! address (listening on port 0 picks a free port) and a handle that stops it.

mod api_error;
mod context_path;
mod db;
mod middleware;
mod migrate;
mod registry;
mod routes;
mod schema;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::RegistryError;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The SQLite database file (created when missing).
    pub db_path: PathBuf,
    /// `(user, password)` every request must present with HTTP basic authentication.
    pub basic_auth: Option<(String, String)>,
    /// Refuse every write (registration, deletion, config and mode changes) with 42205.
    pub read_only: bool,
}

/// A server started by [`spawn`]. Dropping it stops the server too.
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), RegistryError>>>,
}

impl RunningServer {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:39211`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, lets the ones in flight finish, and waits for the server.
    pub fn shutdown(mut self) -> Result<(), RegistryError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), RegistryError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.thread.take().map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(RegistryError::Server("the server thread panicked".into())),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Everything a server needs before it accepts connections; built on the caller's thread so
/// that a bad address or database is reported at once.
struct Prepared {
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    router: axum::Router,
    addr: SocketAddr,
}

fn prepare(config: &ServerConfig) -> Result<Prepared, RegistryError> {
    let db = db::Db::open(&config.db_path)?;
    let registry = Arc::new(registry::Registry::new(db, config.read_only));
    let router = routes::router(registry, config.basic_auth.clone());
    let bind_error = |source| RegistryError::Bind { addr: config.listen, source };
    let listener = std::net::TcpListener::bind(config.listen).map_err(bind_error)?;
    listener.set_nonblocking(true).map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("schemagate-registry")
        .build()
        .map_err(|e| RegistryError::Server(format!("cannot start the async runtime: {e}")))?;
    Ok(Prepared { runtime, listener, router, addr })
}

fn run_until(prepared: Prepared, stop: impl Future<Output = ()> + Send + 'static) -> Result<(), RegistryError> {
    let Prepared { runtime, listener, router, .. } = prepared;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| RegistryError::Server(format!("cannot listen: {e}")))?;
        axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .await
            .map_err(|e| RegistryError::Server(e.to_string()))
    })
}

/// Runs the server on the current thread until ctrl-c.
pub fn serve(config: ServerConfig) -> Result<(), RegistryError> {
    let prepared = prepare(&config)?;
    run_until(prepared, async {
        // If the signal handler cannot be installed, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

/// Starts the server on a background thread and returns once it is listening.
pub fn spawn(config: ServerConfig) -> Result<RunningServer, RegistryError> {
    let prepared = prepare(&config)?;
    let addr = prepared.addr;
    let (tx, rx) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("schemagate-registry {addr}"))
        .spawn(move || {
            run_until(prepared, async {
                let _ = rx.await;
            })
        })
        .map_err(|e| RegistryError::Server(format!("cannot start the server thread: {e}")))?;
    Ok(RunningServer { addr, shutdown: Some(tx), thread: Some(thread) })
}
