//! The example domain's REST API (schemas/openapi/orders.yaml, OpenAPI 3.1) through its
//! generated client, against a small axum server that implements it in memory: bearer auth,
//! a required idempotency header, 201 with a typed `Location` header, 409 on a repeated key,
//! 404, a status filter in the query, and the deprecated cancel.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{build_driver, cargo, workspace};
use serde_json::{Value, json};

#[derive(Default)]
struct Store {
    orders: Vec<Value>,
    /// Idempotency key → order id.
    keys: BTreeMap<String, String>,
}

type Shared = Arc<Mutex<Store>>;

fn authorized(headers: &HeaderMap) -> bool {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some("Bearer s3cret")
}

async fn list(State(store): State<Shared>, headers: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let store = store.lock().unwrap();
    let items: Vec<&Value> =
        store.orders.iter().filter(|o| q.get("status").is_none_or(|s| o["status"] == s.as_str())).collect();
    Json(json!({"items": items, "next_cursor": null})).into_response()
}

async fn place(State(store): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut store = store.lock().unwrap();
    if store.keys.contains_key(key) {
        return StatusCode::CONFLICT.into_response();
    }
    let id = format!("00000000-0000-4000-8000-{:012}", store.orders.len() + 1);
    let total: i64 = body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["quantity"].as_i64().unwrap_or(0) * i["unit_price"]["amount_minor"].as_i64().unwrap_or(0))
        .sum();
    let order = json!({
        "order_id": id, "customer_id": body["customer_id"], "status": "pending", "items": body["items"],
        "total": {"currency_code": "EUR", "amount_minor": total}, "created_at": "2026-12-06T10:00:00Z"
    });
    store.orders.push(order.clone());
    store.keys.insert(key.to_string(), id.clone());
    (StatusCode::CREATED, [(header::LOCATION, format!("/v1/orders/{id}"))], Json(order)).into_response()
}

async fn get_one(State(store): State<Shared>, headers: HeaderMap, UrlPath(id): UrlPath<String>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let store = store.lock().unwrap();
    match store.orders.iter().find(|o| o["order_id"] == id.as_str()) {
        Some(order) => Json(order.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn cancel(State(store): State<Shared>, headers: HeaderMap, UrlPath(id): UrlPath<String>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut store = store.lock().unwrap();
    for order in store.orders.iter_mut().filter(|o| o["order_id"] == id.as_str()) {
        order["status"] = json!("cancelled");
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The server on a free loopback port, on its own runtime thread (it lives as long as the test
/// process).
fn serve() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new()
        .route("/v1/orders", get(list).post(place))
        .route("/v1/orders/{order_id}", get(get_one).delete(cancel))
        .with_state(Shared::default());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    port
}

const DRIVER: &str = r#"
use acme_orders::*;

#[allow(deprecated)] // cancel_order is deprecated in the API description
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).expect("base URL");
    match Client::new(&base).unwrap().list_orders(&ListOrdersParams::default()).await {
        Err(Error::UnexpectedStatus { status, .. }) => println!("without a token: {status}"),
        other => panic!("without a token: {other:?}"),
    }
    let client = Client::new(&base).unwrap().with_bearer_auth("s3cret");
    let request = types::PlaceOrderRequest {
        customer_id: "c-1".into(),
        items: vec![types::LineItem {
            sku: "SKU-1".into(),
            quantity: 2,
            unit_price: Some(types::Money { currency_code: "EUR".into(), amount_minor: 1250 }),
        }],
        note: None,
    };
    let key = PlaceOrderParams { idempotency_key: "k-1".into() };
    let order = match client.place_order(&key, &request).await.unwrap() {
        PlaceOrderResponse::Created { body, headers } => {
            println!("placed: {:?} {} at {}", body.status, body.total.amount_minor, headers.location);
            body
        }
        other => panic!("place: {other:?}"),
    };
    match client.place_order(&key, &request).await.unwrap() {
        PlaceOrderResponse::Conflict => println!("same key again: conflict"),
        other => panic!("place again: {other:?}"),
    }
    // order_id is readOnly: in the one Order type it is optional.
    let id = order.order_id.clone().expect("the server sends the id");
    match client.get_order(&id).await.unwrap() {
        GetOrderResponse::Ok(found) => println!("found: {}", found == order),
        other => panic!("get: {other:?}"),
    }
    match client.get_order("00000000-0000-4000-8000-999999999999").await.unwrap() {
        GetOrderResponse::NotFound => println!("unknown id: not found"),
        other => panic!("get unknown: {other:?}"),
    }
    match client.cancel_order(&id).await.unwrap() {
        CancelOrderResponse::NoContent => println!("cancelled"),
    }
    let cancelled = ListOrdersParams { status: Some(types::OrderStatus::Cancelled), ..ListOrdersParams::default() };
    let pending = ListOrdersParams { status: Some(types::OrderStatus::Pending), ..ListOrdersParams::default() };
    let ListOrdersResponse::Ok(page) = client.list_orders(&cancelled).await.unwrap();
    let ListOrdersResponse::Ok(none) = client.list_orders(&pending).await.unwrap();
    println!("cancelled: {}, pending: {}, next cursor: {:?}", page.items.len(), none.items.len(), page.next_cursor);
}
"#;

#[test]
fn the_orders_client_round_trips_through_an_axum_server() {
    let spec = workspace().join("schemas/openapi/orders.yaml");
    let (_out, dir) = build_driver(&spec, "acme-orders", DRIVER);
    let port = serve();
    let output = cargo(&dir, &["run", "--offline", "--quiet", "--", &format!("http://127.0.0.1:{port}/v1")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "without a token: 401",
            "placed: Pending 2500 at /v1/orders/00000000-0000-4000-8000-000000000001",
            "same key again: conflict",
            "found: true",
            "unknown id: not found",
            "cancelled",
            "cancelled: 1, pending: 0, next cursor: None",
        ]
    );
}
