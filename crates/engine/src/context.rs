//! What every service is built from: the store, the event pipeline and bus, the settings.

use std::sync::Arc;

use neibao_store::Store;

use crate::config::EngineConfig;
use crate::intake::bus::EventBus;
use crate::intake::pipeline::Pipeline;

/// Shared by the services of one process (cheap to clone).
#[derive(Clone)]
pub struct Ctx {
    pub store: Arc<dyn Store>,
    /// The rule pipeline of this process (its caches of rules and suppressions).
    pub pipeline: Pipeline,
    /// Where device payloads go: processed in process, or published to JetStream.
    pub bus: EventBus,
    pub config: Arc<EngineConfig>,
}
