console.log("speed benchmark");
