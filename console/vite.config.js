import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Built into the jar's classpath under console/: the Lambda handler (and so the devstack) serves
// those files at /console/ on the API's own origin.
export default defineConfig({
  root: 'app',
  base: '/console/',
  plugins: [svelte({
    configFile: false,
    // Each page is mounted anew for each URL (App.svelte keys it on the whole route), so reading the
    // route's props once at the start is what the pages mean to do.
    onwarn(warning, handler) {
      if (warning.code !== 'state_referenced_locally') handler(warning);
    },
  })],
  build: {
    outDir: '../target/classes/console',
    emptyOutDir: true,
    assetsInlineLimit: 0,
  },
  test: {
    root: '.',
    include: ['test/**/*.test.js'],
  },
});
