// The "Menu" skip link points at the navigation, which on a phone sits in the closed menu
// dialog: open the dialog instead (DSFR moves the focus into it).
document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href="#fr-navigation"]');
  const button = document.getElementById("button-menu");
  if (!link || !button || button.offsetParent === null) return; // wide screen: menu in view
  event.preventDefault();
  button.click();
});

// A form answered with the resulting page itself, not a redirect to it (one round trip less on
// a satellite link): show that page's own address, so that a reload reads it, not posts again.
const address = document.querySelector('meta[name="imagin-page-address"]');
if (address) history.replaceState(null, "", address.content);
