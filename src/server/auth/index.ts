/** What the API application takes from identity: the middleware, the routes, the signer. */
export { createAuthentication, isAlwaysPublic, type AuthenticationOptions } from './authentication.ts';
export { registerAuthRoutes } from './routes.ts';
export { createSigner } from './signer.ts';
export { problem, problemBody, statusOf } from './problem.ts';
