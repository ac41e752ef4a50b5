// The "Menu" skip link points at the navigation, which on a phone sits in the closed menu
// dialog: open the dialog instead (DSFR moves the focus into it).
document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href="#fr-navigation"]');
  const button = document.getElementById("button-menu");
  if (!link || !button || button.offsetParent === null) return; // wide screen: menu in view
  event.preventDefault();
  button.click();
});

// A form answered with the updated page itself, not a redirect to it (one round trip less on a
// satellite link): show the page's own address, so that reloading reads it, not posts again.
const canonical = document.querySelector('link[rel="canonical"]');
if (canonical && canonical.href !== location.href.split("#")[0]) {
  history.replaceState(null, "", canonical.href);
}
