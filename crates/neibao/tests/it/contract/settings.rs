//! The settings repository (`SettingsRepo`): the meta key–value table.

use neibao_store::Store;

/// Meta: a missing key reads as none; a second write replaces the first.
pub async fn check(store: &dyn Store) {
    // Meta.
    assert_eq!(store.get_meta("k").await.unwrap(), None);
    store.set_meta("k", "v1").await.unwrap();
    store.set_meta("k", "v2").await.unwrap();
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("v2"));
}
