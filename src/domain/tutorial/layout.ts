import { CONFIGURATION_ROOT_FOLDER_ID, PROJECT_ROOT_FOLDER_ID } from '../objects.js';
import { stableGuid } from '../stable-ids.js';

export interface FolderSpec {
  /** Path from the root, e.g. "Public Objects/Metrics"; '' is the root folder. */
  path: string;
  id: string;
  name: string;
  hidden?: boolean;
  /** Owner other than the Administrator. */
  ownerKey?: string;
}

/** Folders whose real id is known; every other folder gets an id derived from its path. */
const KNOWN_PROJECT_FOLDER_IDS: Record<string, string> = {
  '': PROJECT_ROOT_FOLDER_ID,
  'Public Objects': '98FE182C2A10427EACE0CD30B6768258',
  'Public Objects/Reports': 'D3C7D461F69C4610AA6BAA5EF51F4125',
  'Public Objects/Reports/Business Roles': '032A5E114A59D28267BDD8B6D9E58B22',
  'Public Objects/Reports/Documents and Scorecards': 'F025A94B4C03B6DCEE0F5D9DA825DA67',
  'Public Objects/Reports/Enterprise Reporting Documents': '92ADD0F84D07AC532AD03BA0F92A836B',
  'Public Objects/Reports/MicroStrategy Platform Capabilities': 'D64C532E4E7FBA74D29A7CA3576F39CF',
  'Public Objects/Reports/Sample Dashboards': 'C6C5ECF0B571448A9C31C653AB1D5E51',
  'Public Objects/Reports/Subject Areas': '5B68C5AE433C728679340A91DC8F809C',
  'Public Objects/Reports/Business Roles/Billing Managers': '7A83FC5245C894A2FD0B0BA20801E3F8',
  'Public Objects/Reports/Business Roles/Brand Managers': '8B1A934F46393111029F40A9CB4FE0C6',
  'Public Objects/Reports/Business Roles/Category Managers': '9B6F439640C1BEDB30EF74939A43F286',
  'Public Objects/Reports/Business Roles/Company Executives': '0065ED414DC05BC9E4E7E6AC2C6AA81F',
  'Public Objects/Reports/Business Roles/District Sales Managers': '5105902A4446ACC07467C79BF19FC47C',
  'Public Objects/Reports/Business Roles/Operations Managers': 'A81BEFB44F7EE6F522AC85814B3BDCC6',
  'Public Objects/Reports/Business Roles/Regional Sales Managers': 'E62347FB419BF6C847A712AB40148E6A',
  'Public Objects/Reports/Business Roles/Suppliers': 'AD0985064D8912292E0D07AE1F86866F',
  'Public Objects/MicroStrategy Test Folder': '0017E12B4DB60EE4BF7D56946ED60A7E',
  'Profiles/Administrator/My Reports': 'E287FE0E11E5B55F03C70080EF555BA1',
  'Profiles/MSTR User/My Objects': '9B25D45A4834A213A70C10B1703D4A77',
  'Freeform Objects': '93D8CF3849C1F85DC1A48E8B9E4271F1',
};

const PROJECT_FOLDER_PATHS = [
  ...Object.keys(KNOWN_PROJECT_FOLDER_IDS),
  'Public Objects/Consolidations',
  'Public Objects/Custom Groups',
  'Public Objects/Drill Maps',
  'Public Objects/Filters',
  'Public Objects/Metrics',
  'Public Objects/Prompts',
  'Public Objects/Searches',
  'Public Objects/Templates',
  'Schema Objects',
  'Schema Objects/Attributes',
  'Schema Objects/Attribute Forms',
  'Schema Objects/Facts',
  'Schema Objects/Functions and Operators',
  'Schema Objects/Hierarchies',
  'Schema Objects/Subtotals',
  'Schema Objects/Tables',
  'Schema Objects/Transformations',
  'Schema Objects/Warehouse Catalog',
  'Profiles',
  'Profiles/Administrator',
  'Profiles/MSTR User',
];

const HIDDEN_PROJECT_FOLDERS = new Set(['Public Objects/Reports/Sample Dashboards', 'Schema Objects/Warehouse Catalog']);

/** Folder display names that differ from the last path segment. */
const FOLDER_NAMES: Record<string, string> = {
  'Public Objects/Reports': 'Shared Reports',
};

function folderSpecs(paths: readonly string[], knownIds: Record<string, string>, rootName: string, seed: string, hidden: ReadonlySet<string>): FolderSpec[] {
  return [...new Set(paths)].sort().map((path) => ({
    path,
    id: knownIds[path] ?? stableGuid(`${seed}:${path}`),
    name: path === '' ? rootName : (FOLDER_NAMES[path] ?? path.slice(path.lastIndexOf('/') + 1)),
    ...(hidden.has(path) ? { hidden: true } : {}),
    ...(path === 'Public Objects/MicroStrategy Test Folder' || path.startsWith('Profiles/MSTR User') ? { ownerKey: 'U:MSTR User' } : {}),
  }));
}

export function tutorialProjectFolders(projectName: string): FolderSpec[] {
  return folderSpecs(PROJECT_FOLDER_PATHS, KNOWN_PROJECT_FOLDER_IDS, projectName, 'tutorial-folder', HIDDEN_PROJECT_FOLDERS);
}

export function configurationFolders(): FolderSpec[] {
  return folderSpecs(
    ['', 'Users', 'User Groups', 'Security Roles', 'Database Instances', 'Schedules', 'Languages', 'Projects'],
    { '': CONFIGURATION_ROOT_FOLDER_ID, Users: '73F7482611D3596C60001B8F67019608', Projects: '73F7482211D3596C60001B8F67019608' },
    'CASTOR_SERVER_CONFIGURATION',
    'configuration-folder',
    new Set(),
  );
}

/** Where each type goes by default (type, or "type/subtype" where the subtype decides). */
const FOLDER_BY_TYPE: Record<string, string> = {
  '1/256': 'Public Objects/Filters',
  '1/257': 'Public Objects/Custom Groups',
  '2': 'Public Objects/Templates',
  '3': 'Public Objects/Reports',
  '4/1024': 'Public Objects/Metrics',
  '4/1026': 'Schema Objects/Subtotals',
  '7': 'Public Objects/Metrics',
  '10': 'Public Objects/Prompts',
  '11': 'Schema Objects/Functions and Operators',
  '12': 'Schema Objects/Attributes',
  '13': 'Schema Objects/Facts',
  '14': 'Schema Objects/Hierarchies',
  '15': 'Schema Objects/Tables',
  '21': 'Schema Objects/Attribute Forms',
  '26': 'Schema Objects/Warehouse Catalog',
  '43': 'Schema Objects/Transformations',
  '47': 'Public Objects/Consolidations',
  '48': 'Public Objects/Consolidations',
  '53': 'Schema Objects/Warehouse Catalog',
  '55': 'Public Objects/Reports',
  '56': 'Public Objects/Drill Maps',
  '34/8704': 'Users',
  '34/8705': 'User Groups',
  '44': 'Security Roles',
  '29': 'Database Instances',
  '51': 'Schedules',
  '45': 'Languages',
};

const BUSINESS_ROLES = 'Public Objects/Reports/Business Roles';
const REPORTS = 'Public Objects/Reports';

/** Reports, datasets and documents spread over the Shared Reports folders as in the shipped project. */
const FOLDER_BY_NAME: Record<string, string> = {
  'Customer Analysis': `${REPORTS}/Subject Areas`,
  'Customers Summary': `${REPORTS}/Subject Areas`,
  'Units Sold Analysis': `${BUSINESS_ROLES}/Operations Managers`,
  'Unit Tracking by Supplier': `${BUSINESS_ROLES}/Suppliers`,
  'Sales by Age Groups - Drill on custom group': `${REPORTS}/MicroStrategy Platform Capabilities`,
  'Category Sales Report': `${BUSINESS_ROLES}/Category Managers`,
  'Category Subcategory Revenue (Report Drill Map)': `${REPORTS}/MicroStrategy Platform Capabilities`,
  'Profit Margin by Region - Drill on Metrics': `${BUSINESS_ROLES}/Regional Sales Managers`,
  'Actual vs. Forecast Performance': `${BUSINESS_ROLES}/Company Executives`,
  'Cost Analysis Report': `${BUSINESS_ROLES}/Billing Managers`,
  'Intelligent Cube - Drilling': `${REPORTS}/MicroStrategy Platform Capabilities`,
  'Cockpit Dataset': `${REPORTS}/Documents and Scorecards`,
  Cockpit: `${REPORTS}/Documents and Scorecards`,
  'Landing Page': `${REPORTS}/Sample Dashboards`,
  'Cost Analysis Dashboard': `${REPORTS}/Sample Dashboards`,
  'Call Center Management': `${REPORTS}/Enterprise Reporting Documents`,
};

export function folderPathOf(type: number, subtype: number, name: string): string {
  const path = ((type === 3 || type === 55) && FOLDER_BY_NAME[name]) || FOLDER_BY_TYPE[`${type}/${subtype}`] || FOLDER_BY_TYPE[String(type)];
  if (path === undefined) throw new Error(`No Tutorial folder for type ${type}/${subtype} (${name}).`);
  return path;
}
