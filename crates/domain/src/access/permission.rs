//! The one access policy: every [`Permission`] and the roles that hold it, in one table
//! ([`GRANTS`]), mirrored in docs/SECURITY.md (a test keeps the two equal). Services call
//! [`super::Principal::require`] before they act; pages call [`super::Principal::can`] to show or
//! hide what the user may do. Whether the object is in the principal's jurisdiction is the
//! scope's business (the store filters by it); this table only says which roles may do a kind of
//! thing at all. Security-sensitive.

use serde::Serialize;

use super::role::Role;

/// Something a principal may be allowed to do. Codes are stable (`unit.register`); labels are
/// what a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// 登记、修改、移交、停用和注销单位 (docs/REQUIREMENTS.md R1, R2: police register the units they
    /// supervise; docs/REGISTRY.md: moving a unit also needs county-level or higher police).
    UnitRegister,
    /// 登记、修改、停用和注销重要部位和设备 (docs/REGISTRY.md).
    DeviceManage,
    /// 设置单位的内置预警规则和布防时段.
    UnitRuleConfigure,
    /// 按身份证号查询负责人.
    PersonLookup,
    /// 查看负责人的完整身份信息（须说明用途，记入审计）.
    PersonReveal,
    /// 查看设备原始报文（须说明用途，记入审计）.
    EventRawRead,
    /// 确认、解除告警，标记误报.
    AlertHandle,
    /// 设置告警升级链.
    AlertEscalationConfigure,
    /// 查看预警规则、回测规则.
    AlertRuleRead,
    /// 新建、修改、导入预警规则.
    AlertRuleWrite,
    /// 设置、结束屏蔽时段.
    SuppressionManage,
    /// 管理通知渠道.
    ChannelManage,
    /// 管理本单位、本部门自己的通知渠道（钉钉、企业微信机器人、邮箱）：文书、整改提醒和本单位告警经它送达
    /// (issue 12, docs/SUPERVISION.md "Delivery and receipts").
    OwnChannelManage,
    /// 发布检查表新版本.
    ChecklistEdit,
    /// 发起专项检查.
    CampaignLaunch,
    /// 开展检查（民警、主管部门检查，单位自查）、上报隐患、上传证据.
    Inspect,
    /// 下发专项检查任务给下级单位、指派检查人 (issue 20): police of the organisation holding the
    /// inspections or of one above it.
    InspectionDispatch,
    /// 办理隐患整改流程（民警下达、复查、升级；单位报告整改）.
    HazardAct,
    /// 查看监督检查设置.
    SupervisionSettingsRead,
    /// 设置本局的文书字号、整改期限、升级阶梯和诚信规则.
    BureauSettingsConfigure,
    /// 查看审计日志.
    AuditRead,
    /// 查看数据保存期限和法律保全.
    RetentionRead,
    /// 设置数据保存期限.
    RetentionConfigure,
    /// 设置、解除法律保全.
    LegalHoldManage,
    /// 查看安全设置.
    SecuritySettingsRead,
    /// 修改安全设置（如民警须启用动态口令）.
    SecuritySettingsConfigure,
    /// 创建本人的 API 令牌（对接其他系统）：guards work at the gate and have no system to connect.
    TokenCreate,
    /// 查看、撤销所有人的 API 令牌.
    TokenAdminister,
    /// 载入新版行政区划表（全安装共用，仅不限辖区的管理员）.
    DivisionTableLoad,
    /// 创建、修改、停用账号，重置密码（本机构辖区内）.
    UserAdminister,
    /// 新建、修改、迁移、合并、撤销组织机构（本机构辖区内；docs/ORGANISATIONS.md, R2).
    OrganisationAdminister,
    /// 编写、发布本单位内部治安保卫制度，标记不适用 (Decree 421 Art 8; docs/RULEBOOK.md, R9): the
    /// unit's own security manager.
    RulebookWrite,
    /// 签署确认本单位现行制度（我已阅读并遵守；Decree 421 Art 12, R13): the unit's own accounts.
    RulebookAcknowledge,
    /// 登记本单位视频图像信息系统（投入使用日期、存储期限）、提示标识分组和检查 (S7 Arts 13, 14;
    /// docs/VIDEO.md, R50, R51): the unit's own manager and administrators.
    VideoManage,
    /// 登记视频调阅（查看、导出）(S7 Art 16, R53): the unit's manager and guards.
    VideoRetrievalRecord,
    /// 查看视频调阅登记 (R53): police in their jurisdiction, administrators, the unit's manager.
    VideoRetrievalRead,
    /// 管理本单位巡查路线、巡查点和排班 (Decree 421 Art 11(3); docs/PATROL.md, R12(3)): the unit's
    /// own security manager.
    PatrolManage,
    /// 开始巡查、记录巡查点、结束巡查 (docs/PATROL.md, R12(3)): the unit's own manager and guards.
    PatrolWalk,
    /// 查看单位保卫机构、保卫人员、保安员、培训及奖惩投诉记录 (docs/SECURITY-STAFF.md; R7, R10,
    /// R11, R14, R58): police and competent departments of the jurisdiction, the unit's manager;
    /// not guards (the roster holds colleagues' personal information).
    SecurityStaffRead,
    /// 登记本单位保卫机构、保卫人员、保安员、培训、表彰、负伤和投诉记录 (Decree 421 Art 6;
    /// Decree 564 Art 13–17): the unit's own security manager.
    SecurityStaffWrite,
    /// 开立、填写、提交本单位的备案 (docs/FILINGS.md; R16, R41, R50, R57): the unit's own manager.
    FilingWrite,
    /// 受理、退回、归档备案 (docs/FILINGS.md): county-level and higher police (guard filings:
    /// city level and higher, R57).
    FilingReview,
    /// 提议确定治安保卫重点单位、反恐怖重点目标 (Decree 421 Art 13, R15; R40): county-level and
    /// higher police.
    DesignationPropose,
    /// 登记政府的确定决定、未获批准或撤销 (R15, R40): county-level and higher police record the
    /// decision from the government's document.
    DesignationDecide,
    /// 受理、退回、归档自行招用保安员备案 (R57, 保安服务管理条例 Art 14: 设区的市级公安机关):
    /// city-level and higher police, besides [`Permission::FilingReview`].
    FilingReviewGuards,
    /// 编制、修改本单位应急预案，提交公安机关审核 (R18, Decree 421 Art 15).
    EmergencyPlanWrite,
    /// 审核辖区重点单位的应急预案（通过或退回） (R41(1)).
    EmergencyPlanReview,
    /// 登记本单位岗位和防护器械清单 (R35; docs/EQUIPMENT.md): the unit's own security manager.
    EquipmentManage,
    /// 登记防护器械检查（结果、照片）(R35): the unit's manager and guards.
    EquipmentCheck,
    /// 设置各类单位岗位的防护器械最低配备标准 (R35): administrators, provincial and city police.
    EquipmentStandards,
    /// 计划、评估本单位应急演练，将不足转为隐患 (docs/DRILLS.md; R18, R46): the unit's own manager.
    DrillManage,
    /// 执行本单位应急演练（开始、记录步骤、结束） (docs/DRILLS.md): the unit's manager and guards.
    DrillRun,
    /// 设定重点单位的演练周期 (docs/DRILLS.md): administrators and provincial police.
    DrillConfigure,
    /// 下达、调整、结束防范等级指令 (R46 ¶4; docs/PROTECTION-LEVELS.md): province, city, county
    /// police for their jurisdiction, a police station for the units assigned to it.
    ProtectionLevelSet,
    /// 签收防范等级指令、登记落实的措施 (R46 ¶4): the unit's own security manager.
    ProtectionLevelAcknowledge,
    /// 一键报警 (docs/ALARMS.md; R12(4), R34): the unit's own manager and guards raise an alarm
    /// (or a drill alarm) to the station on duty.
    AlarmRaise,
    /// 登记民警到场 (docs/ALARMS.md; R20(3)): police of the jurisdiction record their arrival at
    /// an alarm.
    AlarmRespond,
    /// 下发警企通报 (docs/BULLETINS.md; the Opinions Part 3): police send bulletins to the units
    /// of their jurisdiction.
    BulletinIssue,
    /// 签收警企通报并回复 (the unit's security manager).
    BulletinAcknowledge,
    /// 向派出所上报风险通报 (the unit's security manager).
    BulletinReport,
    /// 报告内部案事件、可疑情况、周边问题 (docs/REPORTS.md; R12(4), R48): the unit's own manager
    /// and guards (the public form needs no account).
    ReportFile,
    /// 签收报告、登记处置 (docs/REPORTS.md; R24): police of the organisation the report was
    /// routed to (and the bureaus above it).
    ReportHandle,
    /// 查看报告 (docs/REPORTS.md): a unit its own reports, police those of their jurisdiction;
    /// competent departments are not a channel of reports to the police.
    ReportRead,
    /// 设立警企联系点、指派和调整联系单位 (R33, docs/LIAISON.md): police of the jurisdiction.
    LiaisonManage,
    /// 提交民营企业诉求、补充回复、评价办理结果 (seed highlight 6, docs/ENTERPRISE-REQUESTS.md): the unit's
    /// manager.
    EnterpriseRequestFile,
    /// 指派承办民警、答复、办结民营企业诉求: police of the jurisdiction.
    EnterpriseRequestHandle,
    /// 设置民营企业诉求的答复期限（天）: administrators.
    EnterpriseRequestConfigure,
    /// 录入诚信记录（法律依据、扣分、有效期、是否公示）、复核单位的异议 (R30, docs/CREDIT.md):
    /// county-level and higher police (the bureaus that decide penalties), not stations.
    CreditRecord,
    /// 对本单位的诚信记录提出异议并提交证据 (R30, docs/CREDIT.md): the unit's security manager.
    CreditObject,
    /// 查看和导出平安建设汇总（按辖区、按行业） (R3, R24, R31, docs/ROLLUP.md): administrators, police
    /// and competent departments, each within their scope.
    RollupRead,
    /// 申请平安单位称号 (Opinions Part 5, docs/HONOURS.md): the unit's security manager.
    HonoursApply,
    /// 审核授予、撤销平安单位称号 (Opinions Part 5; S10 Art 29, docs/HONOURS.md): county-level and
    /// higher police.
    HonoursDecide,
    /// 发起安全评估批次（本辖区；主管部门为本行业） (docs/ASSESSMENT.md, R32).
    AssessmentLaunch,
    /// 开展安全评估、复核单位自评、签发评估结果、将不合格项转为隐患 (docs/ASSESSMENT.md, R32).
    AssessmentConduct,
    /// 本单位安全自评：填写评估表并提交公安机关复核 (docs/ASSESSMENT.md, R32).
    AssessmentSelf,
    /// 建立、维护和启停本机关或本单位的布控名单 (docs/WATCHLISTS.md; R64, R65).
    WatchlistManage,
    /// 查看并人工核验本机关或本单位布控的比中记录 (docs/WATCHLISTS.md; R76: a human decides).
    WatchlistReview,
    /// 起草本机关或本单位的个人信息保护影响评估 (docs/WATCHLISTS.md; R69).
    PiaDraft,
    /// 批准本机关或本单位的个人信息保护影响评估（不能批准自己起草的） (docs/WATCHLISTS.md; R69).
    PiaApprove,
    /// 维护高校的组织信息（党委、校长、保卫处、院系、校区、宿舍楼）和假期值班表
    /// (docs/UNIVERSITIES.md, R84, R86): police and the university's security manager.
    UniversityWrite,
    /// 设置本市高校学期校历、安排每学期安全检查和安全教育周提醒 (docs/UNIVERSITIES.md, R86):
    /// provincial and city police.
    SemesterConfigure,
    /// 查看和办理本单位、本机关的个人信息处理活动记录、个人信息主体权利请求和数据安全事件；公安机关可查看辖区单位的
    /// (docs/COMPLIANCE.md; R61, R62, R67, R69, R72, R73; PIPL Arts 44–57).
    ComplianceHandle,
    /// 设置个人信息主体权利请求的答复期限（工作日）和节假日: administrators.
    ComplianceConfigure,
    /// 邀请访客、审批预约、设置本单位访客记录保存期限和闭门时间 (docs/VISITORS.md; R12(2), R87): the
    /// unit's security manager (the host).
    VisitorHost,
    /// 门岗访客登记：查询预约、核验证件、登记入场离场、现场登记、车辆物品 (docs/VISITORS.md; Decree 421
    /// Art 11): the unit's manager and guards. Police and administrators do not read visitor records.
    VisitorGate,
    /// 第三方评估：填写分派给本机构的单位的评估表并提交公安机关复核 (docs/ASSESSMENT.md
    /// "Third-party assessors", R32).
    AssessmentThirdParty,
    /// 查看单位群防群治队伍、活动和宣传教育记录 (docs/WELLBEING.md; R36, R88).
    WellbeingRead,
    /// 登记本单位志愿者队伍、队伍活动和宣传教育活动 (R36, R88): the unit's manager and counsellors.
    WellbeingWrite,
    /// 指定本单位心理危机个案报告人 (R36, R87): the unit's security manager.
    CrisisReporterDesignate,
    /// 报告心理危机个案（须为本单位指定的报告人；R36, R87 Shandong Arts 41, 43).
    CrisisCaseRaise,
    /// 查看本人报告或承办的心理危机个案（须说明用途，记入审计；R36, R64).
    CrisisCaseRead,
    /// 承办心理危机个案：跟进、家属联系、转介、升级通报、结案 (R36): counsellors named on the case.
    CrisisCaseWork,
    /// 查看心理危机个案数量（按单位、风险等级，无内容；R36): police of the jurisdiction.
    CrisisCountsRead,
    /// 查看心理危机升级通报（仅单位、需安保关注、联系人；R36): the unit's security manager, police.
    CrisisEscalationRead,
}

use Role::{
    Admin as A, Assessor as TP, Counsellor as C, Department as D, Guard as G, PoliceCity as PC, PoliceCounty as PX,
    PoliceProvince as PP, PoliceStation as PS, UnitManager as M,
};

/// Who holds each permission. One row per permission; `Permission::ALL` and this table have the
/// same order.
pub const GRANTS: &[(Permission, &[Role])] = &[
    (Permission::UnitRegister, &[A, PP, PC, PX, PS]),
    (Permission::DeviceManage, &[A, PP, PC, PX, PS, M]),
    (Permission::UnitRuleConfigure, &[A, PP, PC, PX, PS, M]),
    (Permission::PersonLookup, &[A, PP, PC, PX, PS]),
    (Permission::PersonReveal, &[A, PP, PC, PX, PS, M]),
    (Permission::EventRawRead, &[A, PP, PC, PX, PS, M]),
    (Permission::AlertHandle, &[A, PP, PC, PX, PS, M, G]),
    (Permission::AlertEscalationConfigure, &[A]),
    (Permission::AlertRuleRead, &[A, PP, PC, PX, PS]),
    (Permission::AlertRuleWrite, &[A, PP, PC, PX]),
    (Permission::SuppressionManage, &[A, PP, PC, PX, PS, M]),
    (Permission::ChannelManage, &[A]),
    (Permission::OwnChannelManage, &[D, M]),
    (Permission::ChecklistEdit, &[A, PP]),
    // Bureaus (county-level and higher) deploy campaigns, not police stations: docs/DESIGN.md
    // §1, docs/REQUIREMENTS.md R2; decided in docs/SECURITY.md (issue 20).
    (Permission::CampaignLaunch, &[PP, PC, PX, D]),
    (Permission::Inspect, &[PP, PC, PX, PS, D, M]),
    (Permission::InspectionDispatch, &[PP, PC, PX, PS]),
    (Permission::HazardAct, &[PP, PC, PX, PS, M]),
    (Permission::SupervisionSettingsRead, &[A, PP, PC, PX, PS, D]),
    (Permission::BureauSettingsConfigure, &[PP, PC, PX]),
    (Permission::AuditRead, &[A, PP, PC, PX, PS]),
    (Permission::RetentionRead, &[A, PP, PC, PX, PS]),
    (Permission::RetentionConfigure, &[A]),
    (Permission::LegalHoldManage, &[A, PP, PC, PX, PS]),
    (Permission::SecuritySettingsRead, &[A, PP, PC, PX, PS]),
    (Permission::SecuritySettingsConfigure, &[A]),
    (Permission::TokenCreate, &[A, PP, PC, PX, PS, D, M]),
    (Permission::TokenAdminister, &[A]),
    (Permission::DivisionTableLoad, &[A]),
    (Permission::UserAdminister, &[A]),
    (Permission::OrganisationAdminister, &[A]),
    (Permission::RulebookWrite, &[M]),
    (Permission::RulebookAcknowledge, &[M, G]),
    (Permission::VideoManage, &[A, M]),
    (Permission::VideoRetrievalRecord, &[M, G]),
    (Permission::VideoRetrievalRead, &[A, PP, PC, PX, PS, M]),
    (Permission::PatrolManage, &[M]),
    (Permission::PatrolWalk, &[M, G]),
    (Permission::SecurityStaffRead, &[A, PP, PC, PX, PS, D, M]),
    (Permission::SecurityStaffWrite, &[M]),
    (Permission::FilingWrite, &[M]),
    (Permission::FilingReview, &[PP, PC, PX]),
    (Permission::DesignationPropose, &[PP, PC, PX]),
    (Permission::DesignationDecide, &[PP, PC, PX]),
    (Permission::FilingReviewGuards, &[PP, PC]),
    (Permission::EmergencyPlanWrite, &[M]),
    (Permission::EmergencyPlanReview, &[PP, PC, PX, PS]),
    (Permission::EquipmentManage, &[M]),
    (Permission::EquipmentCheck, &[M, G]),
    (Permission::EquipmentStandards, &[A, PP, PC]),
    (Permission::DrillManage, &[M]),
    (Permission::DrillRun, &[M, G]),
    (Permission::DrillConfigure, &[A, PP]),
    (Permission::ProtectionLevelSet, &[PP, PC, PX, PS]),
    (Permission::ProtectionLevelAcknowledge, &[M]),
    (Permission::AlarmRaise, &[M, G]),
    (Permission::AlarmRespond, &[PP, PC, PX, PS]),
    (Permission::BulletinIssue, &[PP, PC, PX, PS]),
    (Permission::BulletinAcknowledge, &[M]),
    (Permission::BulletinReport, &[M]),
    (Permission::ReportFile, &[M, G]),
    (Permission::ReportHandle, &[PP, PC, PX, PS]),
    (Permission::ReportRead, &[A, PP, PC, PX, PS, M, G]),
    (Permission::LiaisonManage, &[PP, PC, PX, PS]),
    (Permission::EnterpriseRequestFile, &[M]),
    (Permission::EnterpriseRequestHandle, &[PP, PC, PX, PS]),
    (Permission::EnterpriseRequestConfigure, &[A]),
    (Permission::CreditRecord, &[PP, PC, PX]),
    (Permission::CreditObject, &[M]),
    (Permission::RollupRead, &[A, PP, PC, PX, PS, D]),
    (Permission::HonoursApply, &[M]),
    (Permission::HonoursDecide, &[PP, PC, PX]),
    (Permission::AssessmentLaunch, &[PP, PC, PX, D]),
    (Permission::AssessmentConduct, &[PP, PC, PX, PS]),
    (Permission::AssessmentSelf, &[M]),
    (Permission::WatchlistManage, &[PP, PC, PX, PS, M]),
    (Permission::WatchlistReview, &[PP, PC, PX, PS, M]),
    (Permission::PiaDraft, &[PP, PC, PX, PS, M]),
    (Permission::PiaApprove, &[PP, PC, PX, M]),
    (Permission::UniversityWrite, &[PP, PC, PX, PS, M]),
    (Permission::SemesterConfigure, &[PP, PC]),
    (Permission::ComplianceHandle, &[A, PP, PC, PX, PS, M]),
    (Permission::ComplianceConfigure, &[A]),
    (Permission::VisitorHost, &[M]),
    (Permission::VisitorGate, &[M, G]),
    (Permission::AssessmentThirdParty, &[TP]),
    (Permission::WellbeingRead, &[A, PP, PC, PX, PS, D, M, C]),
    (Permission::WellbeingWrite, &[M, C]),
    (Permission::CrisisReporterDesignate, &[M]),
    (Permission::CrisisCaseRaise, &[M, G, C]),
    (Permission::CrisisCaseRead, &[M, G, C]),
    (Permission::CrisisCaseWork, &[C]),
    (Permission::CrisisCountsRead, &[PP, PC, PX, PS]),
    (Permission::CrisisEscalationRead, &[PP, PC, PX, PS, M]),
];

impl Permission {
    /// Every permission, in the table's order.
    pub fn all() -> impl Iterator<Item = Permission> {
        GRANTS.iter().map(|(p, _)| *p)
    }

    /// Stable code, e.g. `unit.register`.
    pub fn code(self) -> &'static str {
        match self {
            Permission::UnitRegister => "unit.register",
            Permission::DeviceManage => "device.manage",
            Permission::UnitRuleConfigure => "unit.rules.configure",
            Permission::PersonLookup => "person.lookup",
            Permission::PersonReveal => "person.reveal",
            Permission::EventRawRead => "event.raw.read",
            Permission::AlertHandle => "alert.handle",
            Permission::AlertEscalationConfigure => "alert.escalation.configure",
            Permission::AlertRuleRead => "alert_rule.read",
            Permission::AlertRuleWrite => "alert_rule.write",
            Permission::SuppressionManage => "suppression.manage",
            Permission::ChannelManage => "channel.manage",
            Permission::OwnChannelManage => "channel.manage_own",
            Permission::ChecklistEdit => "checklist.edit",
            Permission::CampaignLaunch => "campaign.launch",
            Permission::Inspect => "inspect",
            Permission::InspectionDispatch => "inspection.dispatch",
            Permission::HazardAct => "hazard.act",
            Permission::SupervisionSettingsRead => "supervision.settings.read",
            Permission::BureauSettingsConfigure => "bureau.settings.configure",
            Permission::AuditRead => "audit.read",
            Permission::RetentionRead => "retention.read",
            Permission::RetentionConfigure => "retention.configure",
            Permission::LegalHoldManage => "legal_hold.manage",
            Permission::SecuritySettingsRead => "security.settings.read",
            Permission::SecuritySettingsConfigure => "security.settings.configure",
            Permission::TokenCreate => "token.create",
            Permission::TokenAdminister => "token.administer",
            Permission::DivisionTableLoad => "division.table.load",
            Permission::UserAdminister => "user.administer",
            Permission::OrganisationAdminister => "organisation.administer",
            Permission::RulebookWrite => "rulebook.write",
            Permission::RulebookAcknowledge => "rulebook.acknowledge",
            Permission::VideoManage => "video.manage",
            Permission::VideoRetrievalRecord => "video.retrieval.record",
            Permission::VideoRetrievalRead => "video.retrieval.read",
            Permission::PatrolManage => "patrol.manage",
            Permission::PatrolWalk => "patrol.walk",
            Permission::SecurityStaffRead => "security_staff.read",
            Permission::SecurityStaffWrite => "security_staff.write",
            Permission::FilingWrite => "filing.write",
            Permission::FilingReview => "filing.review",
            Permission::DesignationPropose => "designation.propose",
            Permission::DesignationDecide => "designation.decide",
            Permission::FilingReviewGuards => "filing.review_guards",
            Permission::EmergencyPlanWrite => "emergency_plan.write",
            Permission::EmergencyPlanReview => "emergency_plan.review",
            Permission::EquipmentManage => "equipment.manage",
            Permission::EquipmentCheck => "equipment.check",
            Permission::EquipmentStandards => "equipment.standards",
            Permission::DrillManage => "drill.manage",
            Permission::DrillRun => "drill.run",
            Permission::DrillConfigure => "drill.configure",
            Permission::ProtectionLevelSet => "protection_level.set",
            Permission::ProtectionLevelAcknowledge => "protection_level.acknowledge",
            Permission::AlarmRaise => "alarm.raise",
            Permission::AlarmRespond => "alarm.respond",
            Permission::BulletinIssue => "bulletin.issue",
            Permission::BulletinAcknowledge => "bulletin.acknowledge",
            Permission::BulletinReport => "bulletin.report",
            Permission::ReportFile => "report.file",
            Permission::ReportHandle => "report.handle",
            Permission::ReportRead => "report.read",
            Permission::LiaisonManage => "liaison.manage",
            Permission::EnterpriseRequestFile => "enterprise_request.file",
            Permission::EnterpriseRequestHandle => "enterprise_request.handle",
            Permission::EnterpriseRequestConfigure => "enterprise_request.configure",
            Permission::CreditRecord => "credit.record",
            Permission::CreditObject => "credit.object",
            Permission::RollupRead => "rollup.read",
            Permission::HonoursApply => "honours.apply",
            Permission::HonoursDecide => "honours.decide",
            Permission::AssessmentLaunch => "assessment.launch",
            Permission::AssessmentConduct => "assessment.conduct",
            Permission::AssessmentSelf => "assessment.self",
            Permission::WatchlistManage => "watchlist.manage",
            Permission::WatchlistReview => "watchlist.review",
            Permission::PiaDraft => "pia.draft",
            Permission::PiaApprove => "pia.approve",
            Permission::UniversityWrite => "university.write",
            Permission::SemesterConfigure => "semester.configure",
            Permission::ComplianceHandle => "compliance.handle",
            Permission::ComplianceConfigure => "compliance.configure",
            Permission::VisitorHost => "visitor.host",
            Permission::VisitorGate => "visitor.gate",
            Permission::AssessmentThirdParty => "assessment.third_party",
            Permission::WellbeingRead => "wellbeing.read",
            Permission::WellbeingWrite => "wellbeing.write",
            Permission::CrisisReporterDesignate => "crisis.reporter.designate",
            Permission::CrisisCaseRaise => "crisis.case.raise",
            Permission::CrisisCaseRead => "crisis.case.read",
            Permission::CrisisCaseWork => "crisis.case.work",
            Permission::CrisisCountsRead => "crisis.counts.read",
            Permission::CrisisEscalationRead => "crisis.escalation.read",
        }
    }

    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            Permission::UnitRegister => "登记、修改、移交、停用和注销单位",
            Permission::DeviceManage => "登记、修改、停用和注销重要部位和设备",
            Permission::UnitRuleConfigure => "设置单位预警规则和布防时段",
            Permission::PersonLookup => "按身份证号查询负责人",
            Permission::PersonReveal => "查看负责人完整身份信息",
            Permission::EventRawRead => "查看设备原始报文",
            Permission::AlertHandle => "确认、解除告警",
            Permission::AlertEscalationConfigure => "设置告警升级链",
            Permission::AlertRuleRead => "查看、回测预警规则",
            Permission::AlertRuleWrite => "新建、修改、导入预警规则",
            Permission::SuppressionManage => "设置屏蔽时段",
            Permission::ChannelManage => "管理通知渠道",
            Permission::OwnChannelManage => "管理本单位、本部门的通知渠道",
            Permission::ChecklistEdit => "发布检查表新版本",
            Permission::CampaignLaunch => "发起专项检查",
            Permission::Inspect => "开展检查、上报隐患、上传证据",
            Permission::InspectionDispatch => "下发检查任务、指派检查人",
            Permission::HazardAct => "办理隐患整改流程",
            Permission::SupervisionSettingsRead => "查看监督检查设置",
            Permission::BureauSettingsConfigure => "设置本局监督检查参数",
            Permission::AuditRead => "查看审计日志",
            Permission::RetentionRead => "查看数据保存策略",
            Permission::RetentionConfigure => "设置数据保存期限",
            Permission::LegalHoldManage => "设置、解除法律保全",
            Permission::SecuritySettingsRead => "查看安全设置",
            Permission::SecuritySettingsConfigure => "修改安全设置",
            Permission::TokenCreate => "创建本人的 API 令牌",
            Permission::TokenAdminister => "管理所有人的 API 令牌",
            Permission::DivisionTableLoad => "载入新版行政区划表",
            Permission::UserAdminister => "管理账号（本机构辖区内）",
            Permission::OrganisationAdminister => "管理组织机构（本机构辖区内）",
            Permission::RulebookWrite => "发布本单位治安保卫制度",
            Permission::RulebookAcknowledge => "签署确认本单位治安保卫制度",
            Permission::VideoManage => "登记本单位视频图像信息系统和提示标识",
            Permission::VideoRetrievalRecord => "登记视频调阅",
            Permission::VideoRetrievalRead => "查看视频调阅登记",
            Permission::PatrolManage => "管理本单位巡查路线和巡查点",
            Permission::PatrolWalk => "执行本单位巡查（扫描或点选巡查点）",
            Permission::SecurityStaffRead => "查看单位保卫机构、保卫人员和保安员",
            Permission::SecurityStaffWrite => "登记本单位保卫机构、保卫人员和保安员",
            Permission::FilingWrite => "开立、填写、提交本单位备案",
            Permission::FilingReview => "受理、退回、归档备案",
            Permission::DesignationPropose => "提议确定重点单位、反恐怖重点目标",
            Permission::DesignationDecide => "登记重点单位、重点目标的确定或撤销",
            Permission::FilingReviewGuards => "受理自行招用保安员备案",
            Permission::EmergencyPlanWrite => "编制、修改本单位应急预案并提交审核",
            Permission::EmergencyPlanReview => "审核辖区重点单位的应急预案",
            Permission::EquipmentManage => "登记本单位岗位和防护器械",
            Permission::EquipmentCheck => "登记防护器械检查",
            Permission::EquipmentStandards => "设置防护器械最低配备标准",
            Permission::DrillManage => "计划、评估本单位应急演练，将演练不足转为隐患",
            Permission::DrillRun => "执行本单位应急演练（开始、记录步骤、结束）",
            Permission::DrillConfigure => "设定重点单位应急演练周期",
            Permission::ProtectionLevelSet => "下达、调整、结束防范等级指令",
            Permission::ProtectionLevelAcknowledge => "签收防范等级指令、登记落实措施",
            Permission::AlarmRaise => "一键报警（含演练）",
            Permission::AlarmRespond => "登记民警到场",
            Permission::BulletinIssue => "下发警企通报",
            Permission::BulletinAcknowledge => "签收警企通报并回复",
            Permission::BulletinReport => "向派出所上报风险通报",
            Permission::ReportFile => "报告内部案事件、可疑情况、周边问题",
            Permission::ReportHandle => "签收报告、登记处置",
            Permission::ReportRead => "查看报告",
            Permission::LiaisonManage => "设立警企联系点、指派联系单位",
            Permission::EnterpriseRequestFile => "提交民营企业诉求、回复、评价办理结果",
            Permission::EnterpriseRequestHandle => "指派承办民警、答复、办结民营企业诉求",
            Permission::EnterpriseRequestConfigure => "设置民营企业诉求的答复期限",
            Permission::CreditRecord => "录入诚信记录、复核单位的异议",
            Permission::CreditObject => "对本单位的诚信记录提出异议",
            Permission::RollupRead => "查看和导出平安建设汇总（按辖区、按行业）",
            Permission::HonoursApply => "申请平安单位称号",
            Permission::HonoursDecide => "审核授予、撤销平安单位称号",
            Permission::AssessmentLaunch => "发起安全评估批次",
            Permission::AssessmentConduct => "开展安全评估、复核单位自评并签发结果，将不合格项转为隐患",
            Permission::AssessmentSelf => "开展本单位安全自评并提交复核",
            Permission::WatchlistManage => "维护和启停本机关、本单位的布控名单",
            Permission::WatchlistReview => "查看并人工核验布控比中记录",
            Permission::PiaDraft => "起草个人信息保护影响评估",
            Permission::PiaApprove => "批准个人信息保护影响评估",
            Permission::UniversityWrite => "维护高校组织信息（院系、校区、宿舍楼）和假期值班表",
            Permission::SemesterConfigure => "设置本市高校学期校历，安排每学期安全检查",
            Permission::ComplianceHandle => "查看和办理个人信息处理活动记录、主体权利请求和数据安全事件",
            Permission::ComplianceConfigure => "设置个人信息主体权利请求的答复期限和节假日",
            Permission::VisitorHost => "邀请访客、审批来访预约、设置访客记录保存期限",
            Permission::VisitorGate => "门岗访客登记（核验证件、入场离场、车辆物品）",
            Permission::AssessmentThirdParty => "填写分派给本机构的单位的第三方评估表并提交复核",
            Permission::WellbeingRead => "查看群防群治队伍和宣传教育记录",
            Permission::WellbeingWrite => "登记本单位志愿者队伍、活动和宣传教育",
            Permission::CrisisReporterDesignate => "指定本单位心理危机个案报告人",
            Permission::CrisisCaseRaise => "报告心理危机个案（须为指定报告人）",
            Permission::CrisisCaseRead => "查看本人报告或承办的心理危机个案",
            Permission::CrisisCaseWork => "承办心理危机个案（跟进、转介、升级通报、结案）",
            Permission::CrisisCountsRead => "查看心理危机个案数量（无内容）",
            Permission::CrisisEscalationRead => "查看心理危机升级通报",
        }
    }

    /// The roles that hold this permission.
    pub fn roles(self) -> &'static [Role] {
        GRANTS.iter().find(|(p, _)| *p == self).map(|(_, r)| *r).unwrap_or(&[])
    }
}

/// Whether `role` holds `permission` (deny by default).
pub fn granted(role: Role, permission: Permission) -> bool {
    permission.roles().contains(&role)
}

/// The table as Markdown (docs/SECURITY.md carries this text; a test keeps them equal).
pub fn markdown_table() -> String {
    let mut s = String::from("| permission | 权限 |");
    for r in Role::ALL {
        s.push_str(&format!(" {} |", r.code()));
    }
    s.push_str("\n|---|---|");
    for _ in Role::ALL {
        s.push_str("---|");
    }
    s.push('\n');
    for (p, roles) in GRANTS {
        s.push_str(&format!("| `{}` | {} |", p.code(), p.label_zh()));
        for r in Role::ALL {
            s.push_str(if roles.contains(&r) { " ✓ |" } else { "  |" });
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_has_one_row_and_a_unique_code() {
        let codes: std::collections::HashSet<_> = Permission::all().map(Permission::code).collect();
        assert_eq!(codes.len(), GRANTS.len());
        assert!(Permission::all().all(|p| !p.label_zh().is_empty()));
    }

    #[test]
    fn deny_by_default_and_the_table_decides() {
        assert!(granted(Role::Admin, Permission::UnitRegister));
        assert!(!granted(Role::UnitManager, Permission::UnitRegister));
        assert!(granted(Role::UnitManager, Permission::DeviceManage));
        assert!(!granted(Role::Department, Permission::AlertHandle));
        assert!(!granted(Role::Admin, Permission::CampaignLaunch));
        assert!(!granted(Role::Guard, Permission::UnitRuleConfigure));
    }
}
