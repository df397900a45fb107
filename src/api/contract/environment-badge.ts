import { Type, type Static } from 'typebox';

/** Where you are: what the console shows in its header and page title, before and after sign-in. */
export const EnvironmentBadge = Type.Object({
  name: Type.String({ description: 'environment.name' }),
  colour: Type.String({ description: 'environment.colour, as #rrggbb.' }),
  production: Type.Boolean({ description: 'environment.production: the console marks a production environment.' }),
});
export type EnvironmentBadge = Static<typeof EnvironmentBadge>;
