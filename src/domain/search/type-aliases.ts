/**
 * REST aliases of object types and subtypes, as search objects carry them in `types` and
 * `subtypes` (search contract §2.2): mstrio refuses integers there.
 */
export const TYPE_ALIASES: Readonly<Record<string, number>> = {
  filter: 1, template: 2, report_definition: 3, metric: 4, style: 6, agg_metric: 7, folder: 8, prompt: 10,
  function: 11, attribute: 12, fact: 13, dimension: 14, table: 15, type_shortcut: 18, attribute_form: 21,
  column: 26, db_role: 29, db_login: 30, db_connection: 31, project: 32, user: 34, search: 39, role: 43,
  security_role: 44, consolidation: 47, consolidation_element: 48, db_table: 53, document_definition: 55,
  drill_map: 56, md_security_filter: 58, graph_style: 61, external_shortcut: 67, command_manager_script: 76,
};

export const SUBTYPE_ALIASES: Readonly<Record<string, number>> = {
  filter: 256, custom_group: 257, report_grid: 768, report_graph: 769, report_engine: 770, report_text: 771,
  report_datamart: 772, report_base: 773, report_grid_and_graph: 774, report_non_interactive: 775,
  report_cube: 776, report_incremental_refresh: 777, report_transaction: 778, report_emma_cube: 779,
  report_emma_incremental_refresh: 780, report_hypercard: 781, metric: 1024, subtotal_definition: 1025,
  system_subtotal: 1026, agg_metric: 1792, attribute: 3072, attribute_role: 3073, attribute_transformation: 3074,
  attribute_abstract: 3075, attribute_recursive: 3076, derived_attribute: 3077, attribute_smart: 3078,
  dimension_user: 3585, dimension_ordered: 3586, dimension_user_hierarchy: 3587, user: 8704, user_group: 8705,
  tenant: 8706, search: 9984, role_transformation: 11009, document_def: 14080, report_writing_document: 14081,
  chat_bot: 14084, chat_bot_v2: 14087, ai_dataset_collection: 14088, universal_chat_bot: 14091,
  command_manager_script_python: 19457, transaction_script: 19460,
};
