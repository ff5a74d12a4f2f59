"""The tables the XER writer emits, in P6's export order, with their fields and P6's defaults for them.

The field lists follow P6 8.x-19.x exports (the versions every current P6 and MPXJ import); values not
set by the writer take the default given here.
"""

from __future__ import annotations

TABLE_ORDER = (
    "CURRTYPE",
    "MEMOTYPE",
    "UMEASURE",
    "UDFTYPE",
    "PROJECT",
    "CALENDAR",
    "SCHEDOPTIONS",
    "PROJWBS",
    "RSRC",
    "ACTVTYPE",
    "RSRCRATE",
    "TASK",
    "ACTVCODE",
    "PROJCOST",
    "TASKMEMO",
    "TASKPRED",
    "TASKRSRC",
    "TASKACTV",
    "UDFVALUE",
)

FIELDS: dict[str, tuple[str, ...]] = {
    "CURRTYPE": (
        "curr_id", "decimal_digit_cnt", "curr_symbol", "decimal_symbol", "digit_group_symbol", "pos_curr_fmt_type",
        "neg_curr_fmt_type", "curr_type", "curr_short_name", "group_digit_cnt", "base_exch_rate",
    ),
    "UDFTYPE": (
        "udf_type_id", "table_name", "udf_type_name", "udf_type_label", "logical_data_type", "super_flag",
        "indicator_expression", "summary_indicator_expression",
    ),
    "PROJECT": (
        "proj_id", "fy_start_month_num", "rsrc_self_add_flag", "allow_complete_flag", "rsrc_multi_assign_flag",
        "checkout_flag", "project_flag", "step_complete_flag", "cost_qty_recalc_flag", "batch_sum_flag",
        "name_sep_char", "def_complete_pct_type", "proj_short_name", "acct_id", "orig_proj_id", "source_proj_id",
        "base_type_id", "clndr_id", "sum_base_proj_id", "task_code_base", "task_code_step", "priority_num",
        "wbs_max_sum_level", "strgy_priority_num", "last_checksum", "critical_drtn_hr_cnt", "def_cost_per_qty",
        "last_recalc_date", "plan_start_date", "plan_end_date", "scd_end_date", "add_date", "last_tasksum_date",
        "fcst_start_date", "def_duration_type", "task_code_prefix", "guid", "def_qty_type", "add_by_name",
        "web_local_root_path", "proj_url", "def_rate_type", "add_act_remain_flag", "act_this_per_link_flag",
        "def_task_type", "act_pct_link_flag", "critical_path_type", "task_code_prefix_flag", "def_rollup_dates_flag",
        "use_project_baseline_flag", "rem_target_link_flag", "reset_planned_flag", "allow_neg_act_flag",
        "sum_assign_level", "last_fin_dates_id", "fintmpl_id", "last_baseline_update_date", "cr_external_key",
        "apply_actuals_date", "location_id", "loaded_scope_level", "export_flag", "new_fin_dates_id",
        "baselines_to_export", "baseline_names_to_export", "next_data_date", "close_period_flag", "sum_refresh_date",
        "trsrcsum_loaded", "sumtask_loaded",
    ),
    "CALENDAR": (
        "clndr_id", "default_flag", "clndr_name", "proj_id", "base_clndr_id", "last_chng_date", "clndr_type",
        "day_hr_cnt", "week_hr_cnt", "month_hr_cnt", "year_hr_cnt", "rsrc_private", "clndr_data",
    ),
    "SCHEDOPTIONS": (
        "schedoptions_id", "proj_id", "sched_outer_depend_type", "sched_open_critical_flag",
        "sched_lag_early_start_flag", "sched_retained_logic", "sched_setplantoforecast", "sched_float_type",
        "sched_calendar_on_relationship_lag", "sched_use_expect_end_flag", "sched_progress_override",
        "level_float_thrs_cnt", "level_outer_assign_flag", "level_outer_assign_priority", "level_over_alloc_pct",
        "level_within_float_flag", "level_keep_sched_date_flag", "level_all_rsrc_flag",
        "sched_use_project_end_date_for_float", "enable_multiple_longest_path_calc",
        "limit_multiple_longest_path_calc", "max_multiple_longest_path", "use_total_float_multiple_longest_paths",
        "key_activity_for_multiple_longest_paths", "LevelPriorityList",
    ),
    "PROJWBS": (
        "wbs_id", "proj_id", "obs_id", "seq_num", "est_wt", "proj_node_flag", "sum_data_flag", "status_code",
        "wbs_short_name", "wbs_name", "phase_id", "parent_wbs_id", "ev_user_pct", "ev_etc_user_value", "orig_cost",
        "indep_remain_total_cost", "ann_dscnt_rate_pct", "dscnt_period_type", "indep_remain_work_qty",
        "anticip_start_date", "anticip_end_date", "ev_compute_type", "ev_etc_compute_type", "guid", "tmpl_guid",
        "plan_open_state",
    ),
    "RSRC": (
        "rsrc_id", "parent_rsrc_id", "clndr_id", "role_id", "shift_id", "user_id", "pobs_id", "guid", "rsrc_seq_num",
        "email_addr", "employee_code", "office_phone", "other_phone", "rsrc_name", "rsrc_short_name",
        "rsrc_title_name", "def_qty_per_hr", "cost_qty_type", "ot_factor", "active_flag", "auto_compute_act_flag",
        "def_cost_qty_link_flag", "ot_flag", "curr_id", "unit_id", "rsrc_type", "location_id", "rsrc_notes",
        "load_tasks_flag", "level_flag", "last_checksum",
    ),
    "ACTVTYPE": (
        "actv_code_type_id", "actv_short_len", "seq_num", "actv_code_type", "proj_id", "wbs_id", "actv_code_type_scope",
    ),
    "RSRCRATE": (
        "rsrc_rate_id", "rsrc_id", "max_qty_per_hr", "cost_per_qty", "start_date", "shift_period_id", "cost_per_qty2",
        "cost_per_qty3", "cost_per_qty4", "cost_per_qty5",
    ),
    "TASK": (
        "task_id", "proj_id", "wbs_id", "clndr_id", "phys_complete_pct", "rev_fdbk_flag", "est_wt", "lock_plan_flag",
        "auto_compute_act_flag", "complete_pct_type", "task_type", "duration_type", "status_code", "task_code",
        "task_name", "rsrc_id", "total_float_hr_cnt", "free_float_hr_cnt", "remain_drtn_hr_cnt", "act_work_qty",
        "remain_work_qty", "target_work_qty", "target_drtn_hr_cnt", "target_equip_qty", "act_equip_qty",
        "remain_equip_qty", "cstr_date", "act_start_date", "act_end_date", "late_start_date", "late_end_date",
        "expect_end_date", "early_start_date", "early_end_date", "restart_date", "reend_date", "target_start_date",
        "target_end_date", "rem_late_start_date", "rem_late_end_date", "cstr_type", "priority_type", "suspend_date",
        "resume_date", "float_path", "float_path_order", "guid", "tmpl_guid", "cstr_date2", "cstr_type2",
        "driving_path_flag", "act_this_per_work_qty", "act_this_per_equip_qty", "external_early_start_date",
        "external_late_end_date", "create_date", "update_date", "create_user", "update_user", "location_id",
    ),
    "ACTVCODE": (
        "actv_code_id", "parent_actv_code_id", "actv_code_type_id", "actv_code_name", "short_name", "seq_num", "color",
        "total_assignments",
    ),
    "PROJCOST": (
        "cost_item_id", "acct_id", "pobs_id", "cost_type_id", "proj_id", "task_id", "distr_type", "cost_name",
        "po_number", "vendor_name", "act_cost", "cost_per_qty", "remain_cost", "target_cost", "cost_load_type",
        "auto_compute_act_flag", "target_qty", "qty_name", "cost_descr", "contract_manager_import",
    ),
    "TASKPRED": (
        "task_pred_id", "task_id", "pred_task_id", "proj_id", "pred_proj_id", "pred_type", "lag_hr_cnt", "comments",
        "float_path", "aref", "arls",
    ),
    "TASKRSRC": (
        "taskrsrc_id", "task_id", "proj_id", "cost_qty_link_flag", "role_id", "acct_id", "rsrc_id", "pobs_id",
        "skill_level", "remain_qty", "target_qty", "remain_qty_per_hr", "target_lag_drtn_hr_cnt", "target_qty_per_hr",
        "act_ot_qty", "act_reg_qty", "relag_drtn_hr_cnt", "ot_factor", "cost_per_qty", "target_cost", "act_reg_cost",
        "act_ot_cost", "remain_cost", "act_start_date", "act_end_date", "restart_date", "reend_date",
        "target_start_date", "target_end_date", "rem_late_start_date", "rem_late_end_date", "rollup_dates_flag",
        "target_crv", "remain_crv", "actual_crv", "ts_pend_act_end_flag", "guid", "rate_type", "act_this_per_cost",
        "act_this_per_qty", "curv_id", "rsrc_type", "cost_per_qty_source_type", "create_user", "create_date",
        "has_rsrchours", "taskrsrc_sum_id",
    ),
    "UMEASURE": ("unit_id", "seq_num", "unit_abbrev", "unit_name"),
    "MEMOTYPE": ("memo_type_id", "seq_num", "eps_flag", "proj_flag", "wbs_flag", "task_flag", "memo_type"),
    "TASKMEMO": ("memo_id", "task_id", "memo_type_id", "proj_id", "task_memo"),
    "TASKACTV": ("task_id", "actv_code_type_id", "actv_code_id", "proj_id"),
    "UDFVALUE": ("udf_type_id", "fk_id", "proj_id", "udf_date", "udf_number", "udf_text", "udf_code_id"),
}  # fmt: skip

DEFAULTS: dict[str, dict[str, str]] = {
    "PROJECT": {
        "fy_start_month_num": "1", "rsrc_self_add_flag": "Y", "allow_complete_flag": "Y",
        "rsrc_multi_assign_flag": "Y", "checkout_flag": "N", "project_flag": "Y", "step_complete_flag": "N",
        "cost_qty_recalc_flag": "N", "batch_sum_flag": "Y", "name_sep_char": ".", "def_complete_pct_type": "CP_Drtn",
        "task_code_base": "1000", "task_code_step": "10", "priority_num": "10", "wbs_max_sum_level": "0",
        "strgy_priority_num": "100", "critical_drtn_hr_cnt": "0", "def_cost_per_qty": "0",
        "def_duration_type": "DT_FixedDUR2", "task_code_prefix": "A", "def_qty_type": "QT_Hour",
        "add_by_name": "BBSchedule", "def_rate_type": "COST_PER_QTY", "add_act_remain_flag": "N",
        "act_this_per_link_flag": "Y", "def_task_type": "TT_Task", "act_pct_link_flag": "N",
        "critical_path_type": "CT_TotFloat", "task_code_prefix_flag": "Y", "def_rollup_dates_flag": "Y",
        "use_project_baseline_flag": "Y", "rem_target_link_flag": "Y", "reset_planned_flag": "N",
        "allow_neg_act_flag": "N", "sum_assign_level": "SL_Taskrsrc", "loaded_scope_level": "7", "export_flag": "Y",
    },
    "CALENDAR": {"rsrc_private": "N"},
    "SCHEDOPTIONS": {
        "sched_outer_depend_type": "SD_Both", "sched_open_critical_flag": "N", "sched_lag_early_start_flag": "Y",
        "sched_retained_logic": "Y", "sched_setplantoforecast": "N", "sched_float_type": "FT_FF",
        "sched_calendar_on_relationship_lag": "rcal_Predecessor", "sched_use_expect_end_flag": "Y",
        "sched_progress_override": "N", "level_float_thrs_cnt": "0", "level_outer_assign_flag": "N",
        "level_outer_assign_priority": "5", "level_over_alloc_pct": "25", "level_within_float_flag": "N",
        "level_keep_sched_date_flag": "Y", "level_all_rsrc_flag": "Y", "sched_use_project_end_date_for_float": "Y",
        "enable_multiple_longest_path_calc": "N", "limit_multiple_longest_path_calc": "Y",
        "max_multiple_longest_path": "10", "use_total_float_multiple_longest_paths": "Y",
        "LevelPriorityList": "priority_type,ASC",
    },
    "PROJWBS": {
        "seq_num": "0", "est_wt": "1", "sum_data_flag": "Y", "status_code": "WS_Open", "ev_user_pct": "6",
        "ev_etc_user_value": "0.88", "orig_cost": "0", "indep_remain_total_cost": "0", "ann_dscnt_rate_pct": "",
        "indep_remain_work_qty": "0", "ev_compute_type": "EC_Cmp_pct", "ev_etc_compute_type": "EE_Rem_hr",
        "plan_open_state": "",
    },
    "RSRC": {
        "def_qty_per_hr": "1", "cost_qty_type": "QT_Hour", "ot_factor": "", "active_flag": "Y",
        "auto_compute_act_flag": "Y", "def_cost_qty_link_flag": "Y", "ot_flag": "N", "curr_id": "1",
    },
    "ACTVTYPE": {"actv_short_len": "20"},
    "TASK": {
        "rev_fdbk_flag": "N", "est_wt": "1", "lock_plan_flag": "N", "auto_compute_act_flag": "N", "act_work_qty": "0",
        "remain_work_qty": "0", "target_work_qty": "0", "target_equip_qty": "0", "act_equip_qty": "0",
        "remain_equip_qty": "0", "priority_type": "PT_Normal", "driving_path_flag": "N", "act_this_per_work_qty": "0",
        "act_this_per_equip_qty": "0",
    },
    "PROJCOST": {"distr_type": "CD_Uniform", "cost_load_type": "CL_Uniform", "auto_compute_act_flag": "Y",
                 "cost_per_qty": "0", "target_qty": "0"},
    "TASKRSRC": {
        "cost_qty_link_flag": "Y", "remain_qty_per_hr": "1", "target_lag_drtn_hr_cnt": "0", "target_qty_per_hr": "1",
        "act_ot_qty": "0", "relag_drtn_hr_cnt": "0", "ot_factor": "1", "cost_per_qty": "0", "act_ot_cost": "0",
        "rollup_dates_flag": "Y", "ts_pend_act_end_flag": "N", "rate_type": "COST_PER_QTY", "act_this_per_cost": "0",
        "act_this_per_qty": "0", "cost_per_qty_source_type": "ST_Rsrc",
    },
    "UDFTYPE": {"super_flag": "N"},
}  # fmt: skip

CURRENCIES = {
    "USD": ("$", "US Dollar"),
    "GBP": ("£", "Pound Sterling"),
    "EUR": ("€", "Euro"),
    "JPY": ("¥", "Japanese Yen"),
    "CAD": ("$", "Canadian Dollar"),
    "AUD": ("$", "Australian Dollar"),
}
