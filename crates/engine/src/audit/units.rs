//! Names of the units audit rows and retention records mention, as the caller may see them.

use std::collections::HashMap;

use neibao_domain::access::Scope;
use neibao_store::Store;

use crate::error::ServiceResult;

/// Names of the units with these ids inside `scope`; the others (out of scope, deleted) keep
/// their id as their name.
pub(crate) async fn unit_names(
    store: &dyn Store,
    scope: &Scope,
    ids: impl IntoIterator<Item = String>,
) -> ServiceResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for id in ids {
        if id.is_empty() || names.contains_key(&id) {
            continue;
        }
        let name = match store.get_unit(scope, &id).await {
            Ok(unit) => unit.name,
            Err(neibao_store::StoreError::NotFound) => id.clone(),
            Err(e) => return Err(e.into()),
        };
        names.insert(id, name);
    }
    Ok(names)
}
