/**
 * The Tutorial's dependency graph, reconstructed from the REST samples (object-model §3):
 * report → metrics, attributes, filters, prompts; metric → facts, base formulas, other metrics;
 * attribute → forms and tables; fact → tables and columns; table → columns; document → datasets.
 * Objects are named by reference: "<kind>:<name>" (kinds in refKind below).
 */

const KIND_BY_TYPE: Record<string, string> = {
  '1/256': 'FL',
  '1/257': 'CG',
  '2': 'TP',
  '3': 'R',
  '4/1024': 'M',
  '4/1026': 'S',
  '7': 'B',
  '10': 'PR',
  '11': 'FN',
  '12': 'A',
  '13': 'F',
  '14': 'H',
  '15': 'T',
  '21': 'AF',
  '26': 'C',
  '29': 'DB',
  '34/8704': 'U',
  '34/8705': 'G',
  '43': 'X',
  '44': 'SR',
  '45': 'LA',
  '47': 'CO',
  '48': 'E',
  '51': 'SC',
  '53': 'P',
  '55': 'D',
  '56': 'DM',
};

export function refOf(type: number, subtype: number, name: string): string {
  const kind = KIND_BY_TYPE[`${type}/${subtype}`] ?? KIND_BY_TYPE[String(type)];
  if (kind === undefined) throw new Error(`No reference kind for type ${type}/${subtype}.`);
  return `${kind}:${name}`;
}

const FORMS = ['AF:ID', 'AF:DESC'];
const attribute = (...tables: string[]) => [...FORMS, ...tables.map((t) => `T:${t}`)];

export const TUTORIAL_USES: Readonly<Record<string, readonly string[]>> = {
  // Logical tables → warehouse columns (and the physical table behind INVENTORY_ORDERS).
  'T:LU_YEAR': ['C:YEAR_ID'],
  'T:LU_CALL_CTR': ['C:CALL_CTR_ID'],
  'T:LU_CUST_CITY': ['C:CUST_CITY_ID'],
  'T:LU_DAY': ['C:DAY_DATE', 'C:QUARTER_ID'],
  'T:LU_ITEM': ['C:ITEM_ID', 'C:SUBCAT_ID'],
  'T:LU_SUBCATEG': ['C:SUBCAT_ID', 'C:SUBCAT_DESC'],
  'T:LU_MONTH': ['C:QUARTER_ID', 'C:YEAR_ID'],
  'T:ORDER_DETAIL': ['C:ITEM_ID', 'C:ORDER_AMT', 'C:ORDER_COST'],
  'T:ORDER_FACT': ['C:ORDER_AMT', 'C:ORDER_COST', 'C:CUST_CITY_ID'],
  'T:INVENTORY_ORDERS': ['C:ITEM_ID', 'P:INVENTORY_ORDERS'],
  'T:CITY_MNTH_SLS': ['C:CUST_CITY_ID', 'C:TOT_DOLLAR_SALES', 'C:TOT_COST', 'C:TOT_UNIT_SALES'],
  'T:CUSTOMER_SLS': ['C:TOT_DOLLAR_SALES', 'C:TOT_COST'],
  'T:CITY_SUBCATEG_SLS': ['C:CUST_CITY_ID', 'C:SUBCAT_ID', 'C:TOT_DOLLAR_SALES', 'C:TOT_UNIT_SALES'],
  'T:DAY_CTR_SLS': ['C:DAY_DATE', 'C:CALL_CTR_ID', 'C:TOT_DOLLAR_SALES', 'C:TOT_UNIT_SALES', 'C:TOT_COST'],
  'T:PMT_INVENTORY': ['T:INVENTORY_ORDERS'],

  // Attributes → forms and lookup/fact tables.
  'A:Call Center': attribute('LU_CALL_CTR', 'DAY_CTR_SLS'),
  'A:Catalog': attribute('ORDER_DETAIL'),
  'A:Category': attribute('LU_SUBCATEG'),
  'A:Country': attribute('LU_COUNTRY'),
  'A:Customer City': attribute('LU_CUST_CITY', 'CITY_MNTH_SLS'),
  'A:Customer Region': attribute('LU_CUST_CITY'),
  'A:Customer': attribute('LU_CUSTOMER', 'CUSTOMER_SLS', 'ORDER_FACT'),
  'A:Employee': attribute('LU_EMPLOYEE', 'ORDER_FACT'),
  'A:Item': attribute('LU_ITEM', 'ORDER_DETAIL', 'INVENTORY_ORDERS'),
  'A:Manager': attribute('LU_EMPLOYEE'),
  'A:Month': attribute('LU_MONTH', 'LU_DAY', 'CITY_MNTH_SLS'),
  'A:Month of Year': attribute('LU_MONTH'),
  'A:Quarter': attribute('LU_MONTH', 'LU_DAY'),
  'A:Region': attribute('LU_CALL_CTR', 'LU_COUNTRY'),
  'A:Subcategory': attribute('LU_SUBCATEG', 'LU_ITEM', 'CITY_SUBCATEG_SLS'),
  'A:Supplier': attribute('LU_ITEM'),
  'A:Year': ['AF:ID', 'AF:DATE', 'T:LU_YEAR', 'T:LU_MONTH', 'T:LU_DAY'],
  'A:Distribution Center': attribute('LU_DIST_CTR', 'LU_CALL_CTR'),
  'A:Customer Age': attribute('LU_CUSTOMER', 'LU_AGERANGE'),
  'A:Day': attribute('LU_DAY', 'DAY_CTR_SLS', 'ORDER_FACT'),
  'A:Age Range': attribute('LU_AGERANGE'),
  'A:Customer Gender': attribute('LU_CUSTOMER'),
  'A:Promotion': attribute('ORDER_DETAIL'),

  // Facts → tables and the columns of their expressions.
  'F:Revenue': [
    'T:ORDER_DETAIL',
    'T:ORDER_FACT',
    'T:CITY_MNTH_SLS',
    'T:CUSTOMER_SLS',
    'T:CITY_SUBCATEG_SLS',
    'T:DAY_CTR_SLS',
    'C:TOT_DOLLAR_SALES',
    'C:ORDER_AMT',
  ],
  'F:Units Sold': ['T:ORDER_DETAIL', 'T:CITY_SUBCATEG_SLS', 'T:DAY_CTR_SLS', 'T:INVENTORY_ORDERS', 'C:TOT_UNIT_SALES'],
  'F:Cost': ['T:ORDER_DETAIL', 'T:ORDER_FACT', 'T:CITY_MNTH_SLS', 'T:CUSTOMER_SLS', 'C:TOT_COST', 'C:ORDER_COST'],
  'F:Profit': ['T:CITY_MNTH_SLS', 'T:CUSTOMER_SLS', 'C:TOT_DOLLAR_SALES', 'C:TOT_COST', 'FN:-'],
  'F:Gross Revenue': ['T:ORDER_DETAIL', 'C:ORDER_AMT'],
  'F:Cost Target': ['T:DAY_CTR_SLS', 'C:TOT_COST'],

  // Base formula, subtotals, transformations.
  'B:Revenue': ['FN:Sum', 'F:Revenue'],
  'S:Total': ['FN:Sum'],
  "X:Last Quarter's": ['A:Quarter', 'T:LU_DAY'],
  'X:2 Weeks Ago': ['A:Day', 'T:LU_DAY'],

  // Metrics → facts, base formulas, functions, transformations and other metrics.
  'M:Revenue': ['F:Revenue', 'B:Revenue', 'S:Total', 'S:Average'],
  'M:Cost': ['F:Cost', 'FN:Sum', 'S:Total'],
  'M:Profit': ['F:Profit', 'FN:Sum', 'S:Total'],
  'M:Units Sold': ['F:Units Sold', 'FN:Sum', 'S:Total'],
  'M:Order Count': ['F:Revenue', 'S:Count'],
  'M:Count of Customers': ['A:Customer', 'S:Count'],
  'M:Avg Revenue per Customer': ['M:Revenue', 'M:Count of Customers'],
  'M:Running Revenue Contribution to All Customers Abs.': ['M:Revenue', 'A:Customer'],
  'M:Unit Cost': ['M:Cost', 'M:Units Sold'],
  'M:Unit Price': ['M:Revenue', 'M:Units Sold'],
  'M:Unit Profit': ['M:Profit', 'M:Units Sold'],
  'M:Profit Margin': ['M:Profit', 'M:Revenue'],
  'M:Discount': ['F:Gross Revenue', 'F:Revenue', 'FN:-'],
  'M:Discount Growth': ['M:Discount', "X:Last Quarter's"],
  'M:Revenue Forecast': ['M:Revenue', 'FN:ApplySimple'],
  'M:Profit Forecast': ['M:Profit', 'FN:ApplySimple'],
  'M:Profit Margin Forecast': ['M:Profit Forecast', 'M:Revenue Forecast'],
  "M:Last Quarter's Revenue": ['F:Revenue', "X:Last Quarter's", 'FN:Sum'],
  "M:Last Quarter's Profit": ['F:Profit', "X:Last Quarter's", 'FN:Sum'],
  "M:Last Quarter's Profit Margin": ["M:Last Quarter's Profit", "M:Last Quarter's Revenue"],
  'M:Cost Growth': ['M:Cost', "X:Last Quarter's", 'FL:Select a Quarter', 'A:Year'],
  'M:Units Sold Forecast': ['M:Units Sold', 'FN:ApplySimple'],
  'M:Units Sold Status': ['M:Units Sold', 'M:Units Sold Forecast', 'FN:In'],
  'M:Average Revenue': ['F:Revenue', 'S:Average'],
  'M:Web Sales': ['F:Revenue', 'A:Promotion'],
  'M:Item Count': ['A:Item', 'S:Count'],

  // Hierarchies, drill map, consolidations.
  'H:Geography': ['A:Country', 'A:Region', 'A:Call Center', 'A:Distribution Center', 'A:Employee', 'A:Manager'],
  'H:Customers': ['A:Customer Region', 'A:Customer City', 'A:Customer', 'A:Customer Age', 'A:Age Range', 'A:Customer Gender'],
  'H:Time': ['A:Year', 'A:Quarter', 'A:Month', 'A:Month of Year', 'A:Day'],
  'H:Products': ['A:Category', 'A:Subcategory', 'A:Item', 'A:Catalog', 'A:Supplier'],
  'H:Product Hierarchy': ['A:Category', 'A:Subcategory', 'A:Item'],
  'DM:Tutorial Standard Drill Map': ['H:Geography', 'H:Customers', 'H:Time', 'H:Products'],
  'E:US': ['A:Country'],
  'E:West': ['A:Region'],
  'CO:Customer Geography': ['E:US', 'E:West'],

  // Filters, custom groups, prompts, templates.
  'FL:Select a Quarter': ['A:Quarter'],
  'FL:by age': ['A:Customer Age'],
  'FL:Fixed month selection - December current year': ['A:Month', 'A:Year'],
  'CG:Customers Value Banding': ['A:Customer', 'M:Revenue'],
  'PR:Choose Custom Group': ['CG:Customers Value Banding'],
  'PR:Age Range Prompt': ['A:Age Range'],
  'PR:Predefined list of objects': ['M:Revenue', 'M:Profit', 'M:Cost'],
  'PR:Elements of Region': ['A:Region'],
  'PR:Elements of Category': ['A:Category'],
  'TP:Call Center Analysis': ['A:Call Center', 'A:Region', 'M:Revenue', 'M:Profit', 'M:Profit Margin'],

  // Reports and datasets.
  'R:Customer Analysis': ['A:Customer', 'A:Customer Region', 'M:Revenue', 'M:Profit', 'M:Count of Customers'],
  'R:Customers Summary': ['A:Customer Region', 'A:Customer City', 'M:Revenue', 'M:Avg Revenue per Customer', 'FL:by age'],
  'R:Units Sold Analysis': ['A:Item', 'M:Units Sold Status', 'M:Units Sold Forecast', 'M:Units Sold', 'FL:Fixed month selection - December current year'],
  'R:Unit Tracking by Supplier': ['A:Supplier', 'A:Item', 'M:Units Sold', 'M:Unit Cost'],
  'R:Sales by Age Groups - Drill on custom group': ['CG:Customers Value Banding', 'A:Age Range', 'M:Revenue', 'PR:Age Range Prompt'],
  'R:Category Sales Report': ['A:Category', 'M:Revenue', 'M:Units Sold', 'PR:Elements of Category'],
  'R:Category Subcategory Revenue (Report Drill Map)': ['A:Category', 'A:Subcategory', 'M:Revenue', 'DM:Tutorial Standard Drill Map'],
  'R:Profit Margin by Region - Drill on Metrics': ['A:Region', 'M:Profit Margin', 'M:Profit', 'PR:Elements of Region', 'TP:Call Center Analysis'],
  'R:Actual vs. Forecast Performance': ['A:Year', 'A:Quarter', 'M:Revenue', 'M:Revenue Forecast', 'M:Profit', 'M:Profit Forecast', 'M:Profit Margin Forecast'],
  'R:Cost Analysis Report': ['A:Month', 'M:Cost', 'M:Cost Growth', 'M:Unit Cost', 'PR:Choose Custom Group'],
  'R:Intelligent Cube - Drilling': ['A:Year', 'A:Category', 'A:Subcategory', 'M:Cost', 'M:Profit', 'M:Revenue', 'PR:Predefined list of objects'],
  'R:Cockpit Dataset': [
    'A:Subcategory',
    'A:Quarter',
    'A:Region',
    'A:Category',
    'M:Revenue',
    'M:Profit',
    "M:Last Quarter's Revenue",
    "M:Last Quarter's Profit",
    'M:Profit Margin',
  ],

  // Documents and dashboards → their datasets.
  'D:Tutorial Home': ['R:Customer Analysis', 'R:Category Sales Report'],
  'D:Cockpit': ['R:Cockpit Dataset'],
  'D:Landing Page': ['R:Intelligent Cube - Drilling', 'R:Customers Summary'],
  'D:Cost Analysis Dashboard': ['R:Cost Analysis Report', 'R:Intelligent Cube - Drilling'],
  'D:Call Center Management': ['R:Profit Margin by Region - Drill on Metrics', 'R:Units Sold Analysis'],

  // Configuration: users → the groups they belong to.
  'U:Administrator': ['G:System Administrators', 'G:Everyone'],
  'U:MSTR User': ['G:Everyone', 'G:Developers'],
  'U:Demo User': ['G:Everyone', 'G:MicroStrategy Web Professional'],
  'U:Allister Lewandowski': ['G:Everyone', 'G:Mobile Users'],
  'U:Katharine Shearn': ['G:Everyone', 'G:Mobile Users'],
  'U:MicroStrategy Web User': ['G:Everyone', 'G:Public / Guest'],
};
