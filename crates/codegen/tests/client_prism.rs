//! A generated client against a real server: Stoplight's Prism in mock mode serves the OAI's
//! Tic Tac Toe description (OpenAPI 3.1) on a free loopback port; a driver program calls every
//! operation with every documented status (Prism's `Prefer: code=NNN` header picks it, sent
//! through a user-supplied `reqwest::Client`) and checks the typed response it gets, and that
//! the credentials the description asks for are sent (without them Prism answers 401).
//!
//! Prism is installed by scripts/test.sh into target/test-deps; without it the test is skipped
//! with a note, unless SCHEMAGATE_REQUIRE_PRISM=1.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{cargo, copy_lock, workspace};
use schemagate_codegen::client::{ClientOptions, generate};
use schemagate_core::InputSpec;

fn prism() -> Option<PathBuf> {
    let bin = workspace().join("target/test-deps/node_modules/.bin/prism");
    if bin.is_file() {
        return Some(bin);
    }
    if std::env::var("SCHEMAGATE_REQUIRE_PRISM").as_deref() == Ok("1") {
        panic!("{} is missing and SCHEMAGATE_REQUIRE_PRISM=1 (scripts/test.sh installs it)", bin.display());
    }
    eprintln!("SKIPPED: {} is absent (scripts/test.sh installs @stoplight/prism-cli)", bin.display());
    None
}

/// The mock server, stopped when dropped.
struct Mock(Child);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_mock(prism: &Path, spec: &Path) -> (Mock, u16) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prism starts");
    let mock = Mock(child);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "prism did not listen on {addr} within 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    (mock, port)
}

/// The driver: every operation, every documented status, and one call without credentials.
const DRIVER: &str = r#"
use tictactoe::*;

fn client(base: &str, code: u16) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("prefer", format!("code={code}").parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    Client::with_http_client(base, http)
        .unwrap()
        .with_default_api_key("key")
        .with_bearer_http_authentication("token")
        .retry(RetryPolicy::none())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).expect("base URL");
    let mut checked = Vec::new();

    match client(&base, 200).get_board().await.unwrap() {
        GetBoardResponse::Ok(status) => {
            assert_eq!(status.board.expect("board").len(), 3);
            assert!(status.winner.is_some());
            checked.push("get_board 200");
        }
    }
    match client(&base, 200).get_square(1, 2).await.unwrap() {
        GetSquareResponse::Ok(mark) => {
            assert!(matches!(mark, types::Mark::Dot | types::Mark::X | types::Mark::O));
            checked.push("get_square 200");
        }
        other => panic!("get_square 200: {other:?}"),
    }
    match client(&base, 400).get_square(1, 2).await.unwrap() {
        GetSquareResponse::BadRequest(text) => {
            assert!(!text.is_empty());
            checked.push("get_square 400");
        }
        other => panic!("get_square 400: {other:?}"),
    }
    let params = PutSquareParams { progress_url: Some("https://example.com/progress".into()) };
    match client(&base, 200).put_square(3, 3, &params, &types::Mark::X).await.unwrap() {
        PutSquareResponse::Ok(status) => {
            assert_eq!(status.board.expect("board").len(), 3);
            checked.push("put_square 200");
        }
        other => panic!("put_square 200: {other:?}"),
    }
    match client(&base, 202).put_square(3, 3, &PutSquareParams::default(), &types::Mark::O).await.unwrap() {
        PutSquareResponse::Accepted => checked.push("put_square 202"),
        other => panic!("put_square 202: {other:?}"),
    }
    match client(&base, 400).put_square(1, 1, &params, &types::Mark::Dot).await.unwrap() {
        PutSquareResponse::BadRequest(text) => {
            assert!(!text.is_empty());
            checked.push("put_square 400");
        }
        other => panic!("put_square 400: {other:?}"),
    }
    // Prism checks the security requirements: without credentials, 401 (undocumented here).
    match Client::new(&base).unwrap().get_board().await {
        Err(Error::UnexpectedStatus { status: 401, .. }) => checked.push("get_board without credentials: 401"),
        other => panic!("get_board without credentials: {other:?}"),
    }
    for line in &checked {
        println!("ok {line}");
    }
}
"#;

#[test]
fn the_tictactoe_client_calls_every_operation_of_a_prism_mock() {
    let Some(prism) = prism() else { return };
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/tictactoe.yaml");
    let (generated, _) = generate(&InputSpec::Path(spec.clone()), &ClientOptions::new("tictactoe")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let client_dir = out.path().join("tictactoe");
    schemagate_codegen::write(&client_dir, &generated, false).unwrap();
    let driver = out.path().join("driver");
    std::fs::create_dir_all(driver.join("src")).unwrap();
    std::fs::write(
        driver.join("Cargo.toml"),
        "[package]\nname = \"driver\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\
         tictactoe = { path = \"../tictactoe\" }\n\
         reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"rustls\"] }\n\
         tokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n",
    )
    .unwrap();
    std::fs::write(driver.join("src/main.rs"), DRIVER).unwrap();
    copy_lock(&driver);
    cargo(&driver, &["build", "--offline"]);
    let (_mock, port) = start_mock(&prism, &spec);
    let output = cargo(&driver, &["run", "--offline", "--quiet", "--", &format!("http://127.0.0.1:{port}")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "ok get_board 200",
            "ok get_square 200",
            "ok get_square 400",
            "ok put_square 200",
            "ok put_square 202",
            "ok put_square 400",
            "ok get_board without credentials: 401",
        ]
    );
}
