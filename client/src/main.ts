import { mount } from 'svelte';
import App from './App.svelte';
import { connectInBackground, createServices, watchPage } from './boot.ts';
import { registerAppShell } from './offline/app-shell.ts';
import './global.css';
import './responsive.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
const services = createServices();
watchPage(services);
export default mount(App, { target, props: { services } });
void connectInBackground(services);
registerAppShell();
