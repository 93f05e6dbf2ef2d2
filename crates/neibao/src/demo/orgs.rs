//! The demo's organisation tree, created through the organisation service as an administrator
//! would (docs/ORGANISATIONS.md): the provincial department, a bureau per city and per
//! county/district, a police station per township/street, and an education department and a
//! health commission under each city bureau.

use std::collections::HashMap;

use neibao_domain::access::Principal;
use neibao_domain::registry::Division;
use neibao_engine::organisations::NewOrganisation;
use neibao_engine::Services;

/// The ids of the organisations made, by division code.
pub(super) struct Orgs {
    pub province: String,
    /// city code (4 digits) → bureau id
    pub cities: HashMap<String, String>,
    /// county code (6 digits) → bureau id
    pub counties: HashMap<String, String>,
    /// township code (9 digits) → station id
    pub stations: HashMap<String, String>,
    /// city code (4) → education department id
    pub education: HashMap<String, String>,
    /// city code (4) → health commission id
    pub health: HashMap<String, String>,
    /// A third-party assessment organisation (第三方评估机构) under Hangzhou's bureau
    /// (docs/ASSESSMENT.md "Third-party assessors"), when Hangzhou is served.
    pub assessor: Option<String>,
}

/// Creates one organisation; returns its id.
async fn create(
    services: &Services,
    who: &Principal,
    name: String,
    kind: &str,
    division_code: &str,
    parent_id: Option<&String>,
    sector: Option<&str>,
) -> anyhow::Result<String> {
    let input = NewOrganisation {
        name: name.clone(),
        kind: kind.into(),
        division_code: division_code.into(),
        parent_id: parent_id.cloned(),
        sector: sector.map(str::to_string),
    };
    let made = services
        .organisations
        .create(who, input)
        .await
        .map_err(|e| anyhow::anyhow!("demo organisation {name}: {e}"))?;
    Ok(made.org.id)
}

/// Creates the tree over `divisions` (Zhejiang's) as `who`.
///
/// Errors: any refusal of the organisation service (a bug in the demo).
pub(super) async fn load_orgs(services: &Services, who: &Principal, divisions: &[Division]) -> anyhow::Result<Orgs> {
    let province = create(
        services,
        who,
        "浙江省公安厅".into(),
        "police_province",
        "330000",
        None,
        None,
    )
    .await?;
    let mut orgs = Orgs {
        province,
        cities: HashMap::new(),
        counties: HashMap::new(),
        stations: HashMap::new(),
        education: HashMap::new(),
        health: HashMap::new(),
        assessor: None,
    };
    for d in divisions.iter().filter(|d| d.level == "city") {
        let name = format!("{}公安局", d.name);
        let bureau = create(services, who, name, "police_city", &d.code, Some(&orgs.province), None).await?;
        let city4 = d.code[..4].to_string();
        // The city's education department and health commission, under its bureau.
        let mut departments = Vec::new();
        for (suffix, sector) in [("教育局", "education"), ("卫生健康委员会", "health")] {
            let name = format!("{}{suffix}", d.name);
            let parent = Some(&bureau);
            departments.push(create(services, who, name, "department", &d.code, parent, Some(sector)).await?);
        }
        let [edu, health] = <[String; 2]>::try_from(departments).map_err(|_| anyhow::anyhow!("departments"))?;
        orgs.education.insert(city4.clone(), edu);
        orgs.health.insert(city4.clone(), health);
        orgs.cities.insert(city4, bureau);
    }
    for d in divisions.iter().filter(|d| d.level == "county") {
        let name = if d.name.ends_with('区') {
            let city = divisions
                .iter()
                .find(|c| Some(&c.code) == d.parent_code.as_ref())
                .map(|c| c.name.as_str())
                .unwrap_or("");
            format!("{city}公安局{}分局", d.name)
        } else {
            format!("{}公安局", d.name)
        };
        let parent = orgs.cities.get(&d.code[..4]);
        let id = create(services, who, name, "police_county", &d.code, parent, None).await?;
        orgs.counties.insert(d.code.clone(), id);
    }
    for d in divisions.iter().filter(|d| d.level == "township") {
        let base = d
            .name
            .trim_end_matches("街道")
            .trim_end_matches('镇')
            .trim_end_matches('乡');
        let parent = orgs.counties.get(&d.code[..6]);
        let id = create(
            services,
            who,
            format!("{base}派出所"),
            "police_station",
            &d.code,
            parent,
            None,
        )
        .await?;
        orgs.stations.insert(d.code.clone(), id);
    }
    if let Some(hangzhou) = orgs.cities.get("3301").cloned() {
        let name = "杭州安评第三方评估机构（演示）".to_string();
        let id = create(services, who, name, "assessor_org", "330100", Some(&hangzhou), None).await?;
        orgs.assessor = Some(id);
    }
    Ok(orgs)
}
