//! The pipeline's copy of the watchlist index: rebuilt from the store when a list changes on this
//! node ([`reload`]) and every few seconds for changes made on other nodes.

use std::sync::{Arc, RwLock};

use neibao_domain::watchlists::WatchIndex;
use neibao_store::{Store, StoreResult};

/// The current index, shared by the pipeline's clones; swapped whole on reload, so matching never
/// waits for a rebuild.
#[derive(Clone, Default)]
pub struct WatchIndexHolder {
    inner: Arc<RwLock<Arc<WatchIndex>>>,
}

impl WatchIndexHolder {
    /// The index as it is now.
    pub fn current(&self) -> Arc<WatchIndex> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the index.
    pub fn set(&self, idx: WatchIndex) {
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(idx);
    }
}

/// Rebuilds `holder` from the active lists in `store`; answers the number of lists loaded.
pub async fn reload(store: &dyn Store, holder: &WatchIndexHolder) -> StoreResult<usize> {
    let (lists, entries) = store.watch_index_data().await?;
    let idx = WatchIndex::build(lists, entries);
    let n = idx.list_count();
    holder.set(idx);
    Ok(n)
}
