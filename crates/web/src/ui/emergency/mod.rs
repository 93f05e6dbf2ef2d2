//! The emergency hub (`/emergency`, docs/EMERGENCY.md): one page that leads to the emergency
//! capabilities of issue 16. A unit account (security manager, guard) sees its own unit's pages:
//! the one-press alarm, the emergency plans, the drills, the protective equipment and the
//! protection level in force; a police officer, a competent department or an administrator sees
//! the jurisdiction's lists: alarms, plans waiting for review, drills due or overdue, equipment
//! shortfalls and protection-level orders. Each capability checks its own permissions on its own
//! pages; this page only links.

use askama::Template;
use axum::response::Response;

use crate::state::AppState;
use crate::ui::kit::{render, UiUser};
use crate::ui::views::Nav;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/emergency", axum::routing::get(hub))
}

/// One link of the hub: where it goes, its title and one line on what is there.
pub struct Link {
    pub id: &'static str,
    pub href: String,
    pub title: &'static str,
    pub line: &'static str,
}

#[derive(Template)]
#[template(path = "emergency/hub.html")]
struct HubPage {
    nav: Nav,
    unit_name: String,
    links: Vec<Link>,
}

fn unit_links(unit: &str) -> Vec<Link> {
    vec![
        Link {
            id: "hub-alarm",
            href: format!("/units/{unit}/alarm"),
            title: "一键报警",
            line: "遇到突发事件，一键推送值班派出所；也可发起演练报警",
        },
        Link {
            id: "hub-plans",
            href: format!("/units/{unit}/emergency-plans"),
            title: "应急预案",
            line: "按情形编制预案、联络树、处置步骤和疏散图，重点单位提交公安机关审核",
        },
        Link {
            id: "hub-drills",
            href: format!("/units/{unit}/drills"),
            title: "应急演练",
            line: "计划演练，用手机逐步记录，评估并把不足转为隐患",
        },
        Link {
            id: "hub-equipment",
            href: format!("/units/{unit}/equipment"),
            title: "防护器械",
            line: "岗位器械清单、检查记录和照片，对照最低配备标准",
        },
        Link {
            id: "hub-level",
            href: format!("/units/{unit}/protection-level"),
            title: "防范等级",
            line: "公安机关下达的防范等级指令：签收并登记落实的措施",
        },
    ]
}

fn police_links() -> Vec<Link> {
    vec![
        Link {
            id: "hub-alarm",
            href: "/emergency/alarms".into(),
            title: "一键报警",
            line: "辖区单位的报警和演练报警、确认和到场用时",
        },
        Link {
            id: "hub-plans",
            href: "/emergency/plans".into(),
            title: "应急预案",
            line: "待审核的预案和尚无通过预案的重点单位",
        },
        Link {
            id: "hub-drills",
            href: "/emergency/drills".into(),
            title: "应急演练",
            line: "辖区演练记录和逾期未演练的单位",
        },
        Link {
            id: "hub-equipment",
            href: "/emergency/equipment".into(),
            title: "防护器械",
            line: "辖区单位岗位器械的缺口和过期",
        },
        Link {
            id: "hub-level",
            href: "/emergency/levels".into(),
            title: "防范等级",
            line: "下达、提升、降低、结束防范等级指令，查看单位签收和措施落实",
        },
    ]
}

/// GET /emergency: the hub (every signed-in account; the links follow the account's kind).
pub async fn hub(UiUser(u): UiUser) -> Response {
    let (unit_name, links) = match &u.principal.unit_id {
        Some(unit) => (u.principal.unit_name.clone().unwrap_or_default(), unit_links(unit)),
        None => (String::new(), police_links()),
    };
    let mut links = links;
    if u.principal.can(neibao_domain::access::Permission::ReportRead) {
        // Reports to the police (docs/REPORTS.md), after the one-press alarm.
        links.insert(
            1,
            Link {
                id: "hub-reports",
                href: match &u.principal.unit_id {
                    Some(unit) => format!("/units/{unit}/report"),
                    None => "/reports".into(),
                },
                title: "报告案事件",
                line: if u.principal.unit_id.is_some() {
                    "报告内部案事件、可疑情况和周边治安问题，派出所即时收到"
                } else {
                    "单位和群众的报告：签收、登记处置，签收用时"
                },
            },
        );
    }
    render(&HubPage {
        nav: Nav::new(&u),
        unit_name,
        links,
    })
}
