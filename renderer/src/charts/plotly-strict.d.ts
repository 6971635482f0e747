/**
 * The strict Plotly bundle ships no type declarations of its own; it is the same plotly.js build as
 * plotly.js-dist-min, whose types describe it.
 */
declare module 'plotly.js-strict-dist-min' {
  import Plotly from 'plotly.js-dist-min';
  export default Plotly;
}
