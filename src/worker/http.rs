//! The worker's small HTTP endpoint: `/metrics` (Prometheus, OpenMetrics
//! text), `/livez` (the process answers) and `/readyz` (connected to the
//! broker and consuming both job queues).

use super::metrics::Metrics;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

async fn get_metrics(State(m): State<Arc<Metrics>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], m.render())
}

async fn livez() -> &'static str {
    "ok\n"
}

async fn readyz(State(m): State<Arc<Metrics>>) -> (StatusCode, &'static str) {
    if m.ready() {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not connected or not consuming\n")
    }
}

/// Binds `addr` and serves until the process ends. Binding errors come back at once.
pub async fn serve(addr: SocketAddr, metrics: Arc<Metrics>) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "HTTP endpoint: /metrics /livez /readyz");
    let app = Router::new()
        .route("/metrics", get(get_metrics))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .with_state(metrics);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "HTTP endpoint stopped");
        }
    }))
}
