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

use common::{build_driver, cargo, workspace};

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

/// Prism on a free loopback port, its log (one line per request received) in `log`.
fn start_mock(prism: &Path, spec: &Path, log: &Path) -> (Mock, u16) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdout(std::fs::File::create(log).unwrap())
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
        PutSquareResponse::Accepted { headers } => {
            // The documented `Location` header, typed.
            assert!(headers.location.is_some_and(|l| !l.is_empty()));
            checked.push("put_square 202");
        }
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

/// Generates the client of `fixture` as crate `name`, builds `driver` (its main.rs) against
/// it, starts Prism on the fixture and runs the driver with the mock's URL: the driver's
/// stdout lines and Prism's log.
fn run_driver(prism: &Path, fixture: &str, name: &str, driver: &str) -> (Vec<String>, String) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi").join(fixture);
    let (out, dir) = build_driver(&spec, name, driver);
    let log = out.path().join("prism.log");
    let (mock, port) = start_mock(prism, &spec, &log);
    let output = cargo(&dir, &["run", "--offline", "--quiet", "--", &format!("http://127.0.0.1:{port}")]);
    drop(mock);
    let stdout = String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect();
    (stdout, std::fs::read_to_string(&log).unwrap_or_default())
}

#[test]
fn the_tictactoe_client_calls_every_operation_of_a_prism_mock() {
    let Some(prism) = prism() else { return };
    let (lines, _) = run_driver(&prism, "tictactoe.yaml", "tictactoe", DRIVER);
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

/// Petstore: every operation with its success status and with one its `default` response
/// covers; then a 503 on a GET is retried (3 attempts by default) and on a POST is not.
const PETSTORE_DRIVER: &str = r#"
use petstore::*;
use std::time::Duration;

fn client(base: &str, code: u16) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("prefer", format!("code={code}").parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let retry = RetryPolicy { initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() };
    Client::with_http_client(base, http).unwrap().retry(retry)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).expect("base URL");
    let params = FindPetsParams { tags: Some(vec!["dog".into(), "cat".into()]), limit: Some(10) };
    match client(&base, 200).find_pets(&params).await.unwrap() {
        FindPetsResponse::Ok(pets) => println!("find_pets 200: {} pets", usize::from(!pets.is_empty())),
        other => panic!("find_pets 200: {other:?}"),
    }
    match client(&base, 500).find_pets(&FindPetsParams::default()).await.unwrap() {
        FindPetsResponse::Default { status, body } => println!("find_pets default: {status} {}", !body.message.is_empty()),
        other => panic!("find_pets 500: {other:?}"),
    }
    let new_pet = types::NewPet { name: "Rex".into(), tag: Some("dog".into()) };
    match client(&base, 200).add_pet(&new_pet).await.unwrap() {
        AddPetResponse::Ok(pet) => println!("add_pet 200: {}", !pet.name.is_empty()),
        other => panic!("add_pet 200: {other:?}"),
    }
    match client(&base, 400).add_pet(&new_pet).await.unwrap() {
        AddPetResponse::Default { status, .. } => println!("add_pet default: {status}"),
        other => panic!("add_pet 400: {other:?}"),
    }
    match client(&base, 200).find_pet_by_id(7).await.unwrap() {
        FindPetByIdResponse::Ok(_) => println!("find_pet_by_id 200"),
        other => panic!("find_pet_by_id 200: {other:?}"),
    }
    match client(&base, 404).find_pet_by_id(7).await.unwrap() {
        FindPetByIdResponse::Default { status, .. } => println!("find_pet_by_id default: {status}"),
        other => panic!("find_pet_by_id 404: {other:?}"),
    }
    match client(&base, 204).delete_pet(7).await.unwrap() {
        DeletePetResponse::NoContent => println!("delete_pet 204"),
        other => panic!("delete_pet 204: {other:?}"),
    }
    match client(&base, 409).delete_pet(7).await.unwrap() {
        DeletePetResponse::Default { status, .. } => println!("delete_pet default: {status}"),
        other => panic!("delete_pet 409: {other:?}"),
    }
    // Retries: the server log counts the attempts.
    println!("marker");
    match client(&base, 503).find_pet_by_id(1).await.unwrap() {
        FindPetByIdResponse::Default { status, .. } => println!("find_pet_by_id 503 after retries: {status}"),
        other => panic!("find_pet_by_id 503: {other:?}"),
    }
    match client(&base, 503).add_pet(&new_pet).await.unwrap() {
        AddPetResponse::Default { status, .. } => println!("add_pet 503 without retries: {status}"),
        other => panic!("add_pet 503: {other:?}"),
    }
}
"#;

#[test]
fn the_petstore_client_gets_default_responses_and_retries_only_idempotent_calls() {
    let Some(prism) = prism() else { return };
    let (lines, log) = run_driver(&prism, "petstore-expanded.yaml", "petstore", PETSTORE_DRIVER);
    assert_eq!(
        lines,
        [
            "find_pets 200: 1 pets",
            "find_pets default: 500 true",
            "add_pet 200: true",
            "add_pet default: 400",
            "find_pet_by_id 200",
            "find_pet_by_id default: 404",
            "delete_pet 204",
            "delete_pet default: 409",
            "marker",
            "find_pet_by_id 503 after retries: 503",
            "add_pet 503 without retries: 503",
        ]
    );
    // Prism logs each request it receives: 8 calls, then 3 attempts of the GET, 1 of the POST.
    let received: Vec<&str> = log.lines().filter(|l| l.contains("Request received")).collect();
    assert_eq!(received.len(), 8 + 3 + 1, "{log}");
    let last: Vec<bool> = received[8..].iter().map(|l| l.contains("get /pets/1")).collect();
    assert_eq!(last, [true, true, true, false], "{log}");
}
