//! Checklists: every version of every variant, and publishing a new version
//! (`Permission::ChecklistEdit`); inspections already made keep the version they used.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::supervision::checklist::{validate_items, ChecklistItem, Variant};
use neibao_domain::supervision::input::invalid;
use neibao_domain::supervision::ChecklistVersion;
use neibao_store::Store;
use serde::Deserialize;

use crate::error::ServiceResult;

/// A new version of a checklist variant.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ChecklistInput {
    /// The version's title (default: the variant's name).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub title: Option<String>,
    #[schema(min_items = 1, max_items = 200)]
    pub items: Vec<ChecklistItem>,
    /// The version the page's editor started from (not part of the API): refused when a newer
    /// version was published meanwhile.
    #[serde(skip)]
    pub base_id: Option<String>,
}

/// The newest version of a variant given by its code.
pub async fn latest(store: &dyn Store, variant: &str) -> ServiceResult<ChecklistVersion> {
    let variant = Variant::from_code(variant).ok_or_else(|| invalid("未知的检查表类型"))?;
    Ok(store.latest_checklist(variant).await?)
}

/// Publishes a new version of the variant `variant` (`all_units`, `key_units`,
/// `counter_terror`, `universities`), audited as `checklist.publish`.
pub async fn publish(
    store: &dyn Store,
    who: &Principal,
    variant: &str,
    input: ChecklistInput,
    now: DateTime<Utc>,
) -> ServiceResult<ChecklistVersion> {
    who.require(Permission::ChecklistEdit)?;
    let variant = Variant::from_code(variant).ok_or_else(|| invalid("未知的检查表类型"))?;
    if let Some(base) = input.base_id.as_deref().filter(|b| !b.is_empty()) {
        if store.latest_checklist(variant).await?.id != base {
            return Err(invalid("该检查表已有更新的版本，请在最新版本上修改后再发布").into());
        }
    }
    validate_items(&input.items).map_err(|e| invalid(e.0))?;
    let title = input.title.unwrap_or_default().trim().to_string();
    let title = if title.is_empty() {
        variant.label_zh().to_string()
    } else {
        title
    };
    if title.chars().count() > 100 || !neibao_domain::text::text_is_clean(&title) {
        return Err(invalid("检查表名称不超过100字").into());
    }
    let items: Vec<ChecklistItem> = input
        .items
        .into_iter()
        .map(|mut i| {
            i.code = i.code.trim().to_string();
            i.title = i.title.trim().to_string();
            i
        })
        .collect();
    let mut audit = who.audit("checklist.publish", "checklist", "", None);
    audit.detail = serde_json::json!({ "variant": variant.code(), "items": items.len() }).to_string();
    Ok(store
        .add_checklist_version(variant, &title, &items, &who.display_name, &audit, now)
        .await?)
}
