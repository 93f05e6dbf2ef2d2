//! The shutdown signal of the transport loops: a `watch` channel holding `true`, or a dropped sender.

/// Resolves when `shutdown` holds `true` or its sender is dropped.
pub(crate) async fn wait_shutdown(mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

pub(crate) fn is_shutdown(shutdown: &tokio::sync::watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}
