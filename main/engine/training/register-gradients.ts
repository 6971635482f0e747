/**
 * tfjs-core's Node bundle ships without gradient functions (the @tensorflow/tfjs union package registers
 * them); autograd needs them, so every module that computes gradients imports this file.
 *
 * The registry is global (shared by every copy of tfjs-core in the process), so registering from the ESM
 * sources works with the CommonJS bundle too. Those sources use extensionless imports: they load under a
 * bundler (vite, vitest), not under plain Node, so a production build must bundle this subpath rather than
 * leave it external.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
